package io.annals.hub.client;

import io.annals.hub.client.internal.delivery.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FeedJsonTest {

  @Test
  void a_page_decodes_member_by_member_skipping_unknown_members() throws IOException {
    String body = "{\"future\":{\"x\":[1,2]},\"events\":[{\"id\":\"e1\",\"extra\":[{}],\"meta\":{\"service\":\"billing\","
        + "\"type\":\"payment-completed\",\"created_at\":\"2026-01-01T12:00:00.123456Z\",\"aggregate_id\":\"payment/1\","
        + "\"correlation_id\":\"order/9\",\"received_at\":\"2026-01-01T12:00:01.000001Z\",\"later\":\"x\"},"
        + "\"payload\":{\"amount\":3.0000,\"list\":[1,{\"a\":null}]}},"
        + "{\"id\":\"e2\",\"meta\":{\"service\":\"s\",\"type\":\"t\",\"created_at\":\"2026-01-01T13:00:00+01:00\","
        + "\"aggregate_id\":\"a\",\"received_at\":\"2026-01-01T12:00:02.000000Z\"},\"payload\":{}}],"
        + "\"next\":\"c2\",\"stable_until\":\"2026-01-01T12:00:03.000000Z\"}";

    FeedPage page = FeedJson.page(body.getBytes(StandardCharsets.UTF_8));

    assertThat(page.next()).isEqualTo("c2");
    assertThat(page.stableUntil()).isEqualTo(Instant.parse("2026-01-01T12:00:03Z"));
    ReceivedEvent first = page.events().get(0);
    assertThat(first).extracting(ReceivedEvent::id, ReceivedEvent::service, ReceivedEvent::type,
            ReceivedEvent::aggregateId, ReceivedEvent::correlationId)
        .containsExactly("e1", "billing", "payment-completed", "payment/1", "order/9");
    assertThat(first.createdAt()).isEqualTo(Instant.parse("2026-01-01T12:00:00.123456Z"));
    assertThat(first.receivedAt()).isEqualTo(Instant.parse("2026-01-01T12:00:01.000001Z"));
    assertThat(first.payload().get("amount").decimalValue()).isEqualTo(new BigDecimal("3.0000"));
    assertThat(first.payload().get("list").get(1).get("a").isNull()).isTrue();
    ReceivedEvent second = page.events().get(1);
    assertThat(second.correlationId()).isNull();
    assertThat(second.createdAt()).isEqualTo(Instant.parse("2026-01-01T12:00:00Z"));
    assertThat(second.payload().isEmpty()).isTrue();
  }

  @Test
  void a_payload_is_kept_as_the_text_the_hub_sent_and_becomes_a_tree_when_asked() throws IOException {
    // Multi-byte characters before the payload: the text is cut by byte offsets, not characters.
    String payload = "{ \"amount\" : 1.50E+2, \"city\":\"Zürich\",\"nested\":[{\"k\":\"€\"}] }";
    String body = "{\"events\":[" + envelope("e1", "zürich/ü€", "{\"a\":1}") + "," + envelope("e2", "ø/1", payload)
        + "," + envelope("e3", "x", "[1,2]") + "," + envelope("e4", "x", "null") + "],\"next\":\"c\"}";

    FeedPage page = FeedJson.page(body.getBytes(StandardCharsets.UTF_8));

    assertThat(page.events()).extracting(ReceivedEvent::payloadJson)
        .containsExactly("{\"a\":1}", payload, "[1,2]", "null");
    ReceivedEvent second = page.events().get(1);
    assertThat(second.aggregateId()).isEqualTo("ø/1");
    assertThat(second.payload().get("amount").decimalValue()).isEqualByComparingTo("150");
    assertThat(second.payload().get("city").asText()).isEqualTo("Zürich");
    assertThat(second.payload()).isSameAs(second.payload());
    assertThat(page.events().get(3).payload().isNull()).isTrue();
    ReceivedEvent asTree = new ReceivedEvent(second.id(), second.service(), second.type(), second.createdAt(),
        second.aggregateId(), second.correlationId(), second.receivedAt(), Json.READER.readTree(payload));
    assertThat(second).isEqualTo(asTree).hasSameHashCodeAs(asTree);
  }

  @Test
  void a_payload_that_is_not_json_fails_the_page_not_a_later_read() {
    String body = "{\"events\":[" + envelope("e1", "a", "{\"a\":}") + "]}";

    assertThatThrownBy(() -> FeedJson.page(body.getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
  }

  private static String envelope(String id, String aggregate, String payload) {
    return "{\"id\":\"" + id + "\",\"meta\":{\"service\":\"s\",\"type\":\"t\",\"created_at\":\"2026-01-01T12:00:00.000000Z\","
        + "\"aggregate_id\":\"" + aggregate + "\",\"received_at\":\"2026-01-01T12:00:01.000000Z\"},\"payload\":" + payload + "}";
  }

  @Test
  void a_page_that_is_not_a_feed_page_is_refused() {
    assertThatThrownBy(() -> FeedJson.page("[]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> FeedJson.page("{\"events\":{}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> FeedJson.page("{\"events\":[{\"id\":\"e\",\"payload\":{}}]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class).hasMessageContaining("created_at");
  }
}
