package io.annals.ops.history;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.PayloadMember;
import java.io.IOException;
import java.util.List;

/**
 * Turns one line of a legacy NDJSON file into the hub's envelope. A line that is an envelope
 * already (it has {@code meta} and {@code payload}) keeps what it has and the options fill or
 * override; any other JSON object is the payload itself, and the options say where id, time and
 * the rest come from. Values: {@code --service billing} is a value, {@code --service /source} a
 * JSON pointer into the line. The payload's text is kept exactly as in the line (decimals as sent).
 *
 * @param idFrom pointer to the legacy key; the id is its UUIDv5 ({@link UuidV5#IMPORT_NAMESPACE}); null: the line's {@code id}
 * @param createdAtFrom pointer to {@code created_at}; null: the line's {@code meta.created_at}
 */
record LegacyMapping(String idFrom, String createdAtFrom, String service, String type, String aggregateId, String payloadFrom) {

  /** A line this mapping cannot turn into an event: the reason, for the rejects file. */
  static final class BadLine extends Exception {
    BadLine(String message) {
      super(message);
    }
  }

  /** The event, as JSON text to send. */
  String event(String line) throws BadLine {
    JsonNode node;
    try {
      node = HubHttp.JSON.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadLine("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadLine("not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new BadLine("not a JSON object");
    }
    List<PayloadMember> members = LeafEncoding.members(line);
    boolean envelope = node.path("meta").isObject() && node.has("payload");
    JsonNode meta = envelope ? node.path("meta") : HubHttp.JSON.createObjectNode();
    String id = idFrom == null ? textOrNull(node.path("id")) : UuidV5.of(UuidV5.IMPORT_NAMESPACE, required(node, idFrom, "--id-from")).toString();
    if (id == null) {
      throw new BadLine("no id: the line has no \"id\" and no --id-from was given");
    }
    String createdAt = createdAtFrom == null ? textOrNull(meta.path("created_at")) : required(node, createdAtFrom, "--created-at-from");
    String payload;
    if (payloadFrom != null) {
      JsonNode p = node.at(payloadFrom);
      if (!p.isObject()) {
        throw new BadLine("--payload-from " + payloadFrom + ": no JSON object there");
      }
      payload = p.toString();
    } else if (envelope) {
      payload = members.stream().filter(m -> m.name().equals("payload")).map(PayloadMember::valueJson).findFirst().orElse("{}");
    } else {
      payload = line.strip();
    }
    StringBuilder s = new StringBuilder(payload.length() + 256);
    s.append("{\"id\":").append(quote(id)).append(",\"meta\":{");
    field(s, "service", valueOf(node, meta, service, "service", "--service"));
    field(s, "type", valueOf(node, meta, type, "type", "--type"));
    field(s, "created_at", createdAt);
    field(s, "aggregate_id", valueOf(node, meta, aggregateId, "aggregate_id", "--aggregate-id"));
    field(s, "correlation_id", textOrNull(meta.path("correlation_id")));
    return s.append("},\"payload\":").append(payload).append('}').toString();
  }

  /** An option's value: a pointer into the line when it starts with '/', else the value itself; else the envelope's meta. */
  private static String valueOf(JsonNode node, JsonNode meta, String option, String metaField, String optionName) throws BadLine {
    if (option == null) {
      return textOrNull(meta.path(metaField));
    }
    return option.startsWith("/") ? required(node, option, optionName) : option;
  }

  private static String required(JsonNode node, String pointer, String option) throws BadLine {
    JsonNode v;
    try {
      v = node.at(JsonPointer.compile(pointer));
    } catch (IllegalArgumentException e) {
      throw new BadLine(option + " " + pointer + ": not a JSON pointer");
    }
    String text = textOrNull(v);
    if (text == null || text.isEmpty()) {
      throw new BadLine(option + " " + pointer + ": the line has no value there");
    }
    return text;
  }

  private static String textOrNull(JsonNode v) {
    return v.isTextual() || v.isNumber() ? v.asText() : null;
  }

  private static void field(StringBuilder s, String name, String value) {
    if (value == null) {
      return; // left out: the hub names the missing field in its answer
    }
    if (s.charAt(s.length() - 1) != '{') {
      s.append(',');
    }
    s.append('"').append(name).append("\":").append(quote(value));
  }

  static String quote(String text) {
    try {
      return HubHttp.JSON.writeValueAsString(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
