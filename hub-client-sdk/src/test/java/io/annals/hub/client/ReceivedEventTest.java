package io.annals.hub.client;

import io.annals.hub.client.internal.delivery.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An event keeps the record's contract whether its payload came as text (the feed) or as a tree. */
class ReceivedEventTest {

  private static final Instant T = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void an_event_from_text_equals_the_same_event_from_a_tree_and_differs_when_the_payload_differs() throws Exception {
    ReceivedEvent text = fromText("{\"amount\": 3.0000}");
    ReceivedEvent tree = new ReceivedEvent("e", "s", "t", T, "a/1", null, T, Json.READER.readTree("{\"amount\":3.0000}"));

    assertThat(text).isEqualTo(tree).hasSameHashCodeAs(tree);
    assertThat(text.payloadJson()).isEqualTo("{\"amount\": 3.0000}");
    assertThat(tree.payloadJson()).isEqualTo("{\"amount\":3.0000}");
    assertThat(text).isNotEqualTo(fromText("{\"amount\":3.0001}"));
    assertThat(text.toString()).contains("id=e", "payload={\"amount\": 3.0000}");
  }

  @Test
  void an_event_without_a_payload_says_so() {
    ReceivedEvent none = new ReceivedEvent("e", "s", "t", T, "a/1", null, T, null);

    assertThat(none.payload()).isNull();
    assertThat(none.payloadJson()).isEqualTo("null");
  }

  @Test
  void text_that_is_not_json_fails_when_the_tree_is_asked_for_naming_the_event() {
    ReceivedEvent broken = fromText("{\"a\":");

    assertThatThrownBy(broken::payload).isInstanceOf(UncheckedIOException.class).hasMessageContaining("event e");
  }

  private static ReceivedEvent fromText(String payload) {
    return ReceivedEvent.withPayloadText("e", "s", "t", T, "a/1", null, T, payload.getBytes(StandardCharsets.UTF_8));
  }
}
