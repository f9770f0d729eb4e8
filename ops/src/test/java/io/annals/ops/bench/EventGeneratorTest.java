package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void events_are_valid_envelopes_with_time_ordered_v7_ids_and_repeat_for_the_same_seed() throws Exception {
    List<BenchEvent> events = new EventGenerator(42, 1_700_000_000_000L).next(5000);

    assertThat(new EventGenerator(42, 1_700_000_000_000L).next(5000)).isEqualTo(events);
    assertThat(events).extracting(BenchEvent::id).doesNotHaveDuplicates().isSorted();
    assertThat(UUID.fromString(events.get(0).id()).version()).isEqualTo(7);
    for (BenchEvent event : events.subList(0, 50)) {
      JsonNode json = JSON.readTree(event.json());
      assertThat(json.path("id").asText()).isEqualTo(event.id());
      assertThat(json.path("meta").path("type").asText()).isEqualTo(event.type());
      assertThat(json.path("meta").path("created_at").asText()).endsWith("Z");
      assertThat(json.path("payload").isObject()).isTrue();
      assertThat(json.path("meta").has("correlation_id")).isEqualTo(event.correlationId() != null);
    }
    assertThat(events).filteredOn(e -> e.type().equals("payment-completed"))
        .allSatisfy(e -> assertThat(e.payloadJson()).matches(".*\"amount\":\"\\d+\\.\\d{4}/[A-Z]{3}\".*"))
        .hasSizeBetween(2700, 3300);
  }
}
