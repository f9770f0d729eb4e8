package io.annals.hub.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventsTest {

  private static final Instant NOW = Instant.parse("2026-02-03T04:05:06.789Z");
  private final UuidV7 ids = new UuidV7(Clock.fixed(NOW, ZoneOffset.UTC));

  private static String json(EventBuilder.Envelope envelope) {
    return new String(envelope.json(), UTF_8);
  }

  @Test
  void an_envelope_read_from_json_keeps_its_id_service_time_and_exact_decimals() {
    String line = "{\"id\":\"0192F0C4-6D1E-7B3A-9C55-2F1D8C0E4A11\",\"meta\":{\"service\":\"shop\","
        + "\"type\":\"order-placed\",\"created_at\":\"2025-12-31T23:00:00+01:00\",\"aggregate_id\":\"order/1\","
        + "\"received_at\":\"2026-01-01T00:00:00Z\"},\"payload\":{\"total\":10.50,\"lines\":[1,2]}}";

    EventBuilder.Envelope envelope = Events.fromJson(line).toEnvelope("billing", ids, NOW);

    assertThat(envelope.id()).isEqualTo("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    assertThat(json(envelope)).isEqualTo("{\"id\":\"0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11\",\"meta\":{"
        + "\"service\":\"shop\",\"type\":\"order-placed\",\"created_at\":\"2025-12-31T23:00:00+01:00\","
        + "\"aggregate_id\":\"order/1\"},\"payload\":{\"total\":10.50,\"lines\":[1,2]}}");
  }

  @Test
  void what_the_json_lacks_is_filled_at_publish() {
    EventBuilder.Envelope envelope =
        Events.fromJson("{\"meta\":{\"type\":\"order-placed\",\"aggregate_id\":\"order/1\"}}")
            .toEnvelope("billing", ids, NOW);

    assertThat(json(envelope)).isEqualTo("{\"id\":\"" + envelope.id() + "\",\"meta\":{\"service\":\"billing\","
        + "\"type\":\"order-placed\",\"created_at\":\"2026-02-03T04:05:06.789Z\",\"aggregate_id\":\"order/1\"},"
        + "\"payload\":{}}");
  }

  @Test
  void malformed_envelopes_are_refused_naming_the_field() {
    assertThatThrownBy(() -> Events.fromJson("{\"meta\":{\"type\":\"x\"}")).hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> Events.fromJson("[1]")).hasMessage("an event must be a JSON object, was: array");
    assertThatThrownBy(() -> Events.fromJson("{\"meta\":{\"type\":\"x\"}}")).hasMessage("meta.aggregate_id is missing");
    assertThatThrownBy(() -> Events.fromJson("{\"id\":\"42\",\"meta\":{\"type\":\"x\",\"aggregate_id\":\"a\"}}"))
        .hasMessageContaining("id must be a UUID").hasMessageEndingWith("was: 42");
    assertThatThrownBy(() -> Events.fromJson(
            "{\"meta\":{\"type\":\"x\",\"aggregate_id\":\"a\",\"created_at\":\"yesterday\"}}"))
        .hasMessageContaining("meta.created_at must be ISO-8601");
    assertThatThrownBy(() -> Events.fromJson("{\"meta\":{\"type\":\"x\",\"aggregate_id\":\"a\"},\"payload\":[]}"))
        .hasMessage("payload must be a JSON object, was: array");
    assertThatThrownBy(() -> Events.fromJson("{\"meta\":{\"type\":7,\"aggregate_id\":\"a\"}}"))
        .hasMessage("meta.type must be a non-empty string, was: 7");
  }

  @Test
  void a_payload_must_serialise_to_a_json_object() {
    assertThatThrownBy(() -> Events.of("t", "a").payload(List.of(1, 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("payload must serialise to a JSON object, was: array");
    assertThatThrownBy(() -> Events.of("", "a")).hasMessage("meta.type must be a non-empty string, was: \"\"");
    assertThat(json(Events.of("t", "a").payload(Map.of("when", NOW)).toEnvelope("s", ids, NOW)))
        .contains("\"payload\":{\"when\":\"2026-02-03T04:05:06.789Z\"}");
  }
}
