package io.annals.hub.server.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Content equality of events, the rule behind DUPLICATE versus CONFLICT (docs/decisions.md):
 * ids, meta fields and payloads equal, payloads compared as JSON trees where object key order does
 * not matter and number text does ({@code 1.0} and {@code 1.00} differ; so do {@code 1} and
 * {@code 1.0}). {@code received_at} is not content; {@code meta.extensions} is. A CloudEvent sent
 * without {@code time} has the hub's receive time as {@code created_at}, which differs on every
 * retry: when both events say so ({@link Extensions#timeAbsent}), {@code created_at} is not compared.
 */
public final class EventContent {

  // Floats become BigDecimals kept with their scale: without both settings Jackson would read
  // 1.0 and 1.00 as the same double (or strip the trailing zeros) and call them equal.
  private static final ObjectMapper EXACT_JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  // Jackson's DecimalNode.equals uses compareTo (1.0 equals 1.00); containers call this comparator
  // on their leaves, so decimals are compared with BigDecimal.equals, which also compares scale.
  private static final Comparator<JsonNode> EXACT_LEAVES = (a, b) -> {
    if (a.isBigDecimal() && b.isBigDecimal()) {
      return a.decimalValue().equals(b.decimalValue()) ? 0 : 1;
    }
    return a.equals(b) ? 0 : 1;
  };

  private EventContent() {}

  /** True when {@code a} and {@code b} have the same id, meta fields and JSON payload. */
  public static boolean sameContent(Event a, Event b) {
    return a.id().equals(b.id())
        && a.service().equals(b.service())
        && a.type().equals(b.type())
        && (a.createdAt().equals(b.createdAt()) || (Extensions.timeAbsent(a) && Extensions.timeAbsent(b)))
        && a.aggregateId().equals(b.aggregateId())
        && Objects.equals(a.correlationId(), b.correlationId())
        && a.extensions().equals(b.extensions())
        && samePayload(a.payloadJson(), b.payloadJson());
  }

  /** True when both texts are the same JSON tree; throws IllegalArgumentException if either is not JSON. */
  public static boolean samePayload(String a, String b) {
    // Equal text is equal content; this is the common duplicate (a client retrying) and needs no parse.
    if (a.equals(b)) {
      return true;
    }
    JsonNode left = tree(a);
    JsonNode right = tree(b);
    if (a.contains(ErasureMarker.KEY) || b.contains(ErasureMarker.KEY)) {
      withoutErased(left, right);
    }
    return left.equals(EXACT_LEAVES, right);
  }

  /**
   * Drops from both payloads every top-level member that is erased in either: what an erasure
   * removed is not content any more, so a producer re-sending the original event gets DUPLICATE
   * (the data does not come back) and one that changed a member that remains gets CONFLICT.
   */
  private static void withoutErased(JsonNode left, JsonNode right) {
    if (!(left instanceof com.fasterxml.jackson.databind.node.ObjectNode l)
        || !(right instanceof com.fasterxml.jackson.databind.node.ObjectNode r)) {
      return;
    }
    java.util.Set<String> erased = new java.util.HashSet<>();
    for (JsonNode side : List.of(l, r)) {
      side.fields().forEachRemaining(e -> {
        if (ErasureMarker.parse(e.getValue()).isPresent()) {
          erased.add(e.getKey());
        }
      });
    }
    l.remove(erased);
    r.remove(erased);
  }

  private static JsonNode tree(String json) {
    try {
      return EXACT_JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("payload is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
