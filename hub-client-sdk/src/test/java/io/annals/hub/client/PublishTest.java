package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.testsupport.FakeHub;
import io.annals.testsupport.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PublishTest extends AgainstFakeHub {

  final RecordingListener listener = new RecordingListener();

  private AnnalsClientBuilder client() {
    return clientOfBilling()
        .listener(listener).backoff(Duration.ofMillis(20), Duration.ofMillis(100));
  }

  record Amount(BigDecimal amount, String currency) {}

  @Test
  void a_published_event_reaches_the_hub_in_the_envelope_with_the_producers_clock() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T12:00:00.123456789Z"));
    try (AnnalsClient client = client().clock(clock).build()) {
      String id = client.publish(Events.of("payment-completed", "payment/23")
          .correlationId("container/subscription/42")
          .payload(new Amount(new BigDecimal("3.0000"), "EUR")));

      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
      JsonNode stored = hub.stored().get(id);
      assertThat(stored.toString()).isEqualTo("{\"id\":\"" + id + "\",\"meta\":{\"service\":\"billing\","
          + "\"type\":\"payment-completed\",\"created_at\":\"2026-01-01T12:00:00.123456Z\","
          + "\"aggregate_id\":\"payment/23\",\"correlation_id\":\"container/subscription/42\"},"
          + "\"payload\":{\"amount\":3.0000,\"currency\":\"EUR\"}}");
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(7);
      assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(clock.millis());
      assertThat(listener.delivered).containsExactly(Outcome.CREATED);
    }
  }

  @Test
  void many_events_are_delivered_in_batches_each_exactly_once() {
    List<String> ids = new ArrayList<>();
    try (AnnalsClient client = client().batchSize(100, 1024 * 1024).build()) {
      for (int i = 0; i < 1000; i++) {
        ids.add(client.publish("order-placed", "order/" + i, Map.of("n", i)));
      }
      assertThat(client.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(client.pendingEvents()).isZero();
    }
    assertThat(hub.stored().keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(hub.requests()).allSatisfy(r -> assertThat(r.ids()).hasSizeLessThanOrEqualTo(100));
    assertThat(ids).allSatisfy(id -> assertThat(hub.timesReceived(id)).isEqualTo(1));
  }

  @Test
  void batches_are_also_cut_by_bytes() {
    String big = "x".repeat(2000);
    try (AnnalsClient client = client().batchSize(500, 10_000).build()) {
      for (int i = 0; i < 20; i++) {
        client.publish("note-taken", "note/" + i, Map.of("text", big));
      }
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(hub.stored()).hasSize(20);
    assertThat(hub.requests()).allSatisfy(r -> assertThat(r.ids()).hasSizeLessThanOrEqualTo(4));
  }

  @Test
  void events_published_while_the_hub_is_down_are_delivered_by_the_next_client_on_the_spool() throws Exception {
    List<String> ids = new ArrayList<>();
    String downHub;
    try (FakeHub stopped = new FakeHub()) {
      downHub = stopped.url(); // a port where nothing listens once closed
    }
    try (AnnalsClient client = client().hubUrl(downHub).build()) {
      for (int i = 0; i < 50; i++) {
        ids.add(client.publish("order-placed", "order/" + i, Map.of()));
      }
      assertThat(client.flush(Duration.ofMillis(300))).isFalse();
    }
    try (AnnalsClient client = client().build()) {
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(hub.stored().keySet()).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void events_published_together_are_delivered_each_exactly_once() {
    List<String> ids = new ArrayList<>();
    try (AnnalsClient client = client().batchSize(100, 1024 * 1024).build()) {
      for (int round = 0; round < 5; round++) {
        List<EventBuilder> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          events.add(Events.of("order-placed", "order/" + round + "-" + i).payload(Map.of("n", i)));
        }
        List<String> published = client.publishAll(events);
        assertThat(published).hasSize(200).doesNotHaveDuplicates();
        ids.addAll(published);
      }
      assertThat(client.flush(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(hub.stored().keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(ids).allSatisfy(id -> assertThat(hub.timesReceived(id)).isEqualTo(1));
  }

  @Test
  void a_list_that_does_not_fit_in_the_spool_is_refused_whole() {
    hub.answerNext(1000, 503, "60");
    try (AnnalsClient client = client().maxSpoolEvents(3).build()) {
      client.publish("order-placed", "order/0", Map.of());
      assertThatThrownBy(() -> client.publishAll(List.of(Events.of("order-placed", "order/1"),
          Events.of("order-placed", "order/2"), Events.of("order-placed", "order/3"))))
          .isInstanceOf(SpoolFullException.class);
      assertThat(client.pendingEvents()).isEqualTo(1);
    }
  }

  @Test
  void a_full_spool_refuses_the_next_publish_at_once() {
    hub.answerNext(1000, 503, "60");
    try (AnnalsClient client = client().maxSpoolEvents(3).build()) {
      for (int i = 0; i < 3; i++) {
        client.publish("order-placed", "order/" + i, Map.of());
      }
      assertThatThrownBy(() -> client.publish("order-placed", "order/4", Map.of()))
          .isInstanceOf(SpoolFullException.class)
          .hasMessageContaining("is full: 3 events");
    }
  }

  @Test
  void a_second_client_on_the_same_spool_is_refused() {
    try (AnnalsClient client = client().build()) {
      assertThatThrownBy(() -> client().build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use by another client");
    }
  }

  @Test
  void the_api_key_is_sent_as_a_bearer_token() {
    try (AnnalsClient client = client().apiKey("s3cret").build()) {
      client.publish("order-placed", "order/1", Map.of());
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(hub.requests()).extracting(FakeHub.Request::authorization).containsOnly("Bearer s3cret");
  }

  @Test
  void the_builder_names_what_is_missing_or_wrong() {
    assertThatThrownBy(() -> AnnalsClient.builder().service("s").spoolDirectory(spool).build())
        .hasMessage("Hub URL required.");
    assertThatThrownBy(() -> AnnalsClient.builder().hubUrl("localhost:8080"))
        .hasMessageContaining("was: localhost:8080");
    assertThatThrownBy(() -> client().batchSize(0, 10).build())
        .hasMessage("batch events must be at least 1, was: 0");
    assertThatThrownBy(() -> client().maxAge(Duration.ZERO).build())
        .hasMessage("maxAge must be positive, was: PT0S");
  }
}
