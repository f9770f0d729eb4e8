package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.client.internal.delivery.Json;
import io.annals.testsupport.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Must-show 3: conflict, invalid, forbidden and expired events are dead-lettered with the reason,
 * never retried, and counted; and a bad event does not hold back the good ones.
 */
class PermanentFailureTest extends AgainstFakeHub {

  private static final String TAKEN_ID = "0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11";

  final RecordingListener listener = new RecordingListener();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private AnnalsClientBuilder client() {
    return clientOfBilling()
        .listener(listener).meterRegistry(registry).backoff(Duration.ofMillis(10), Duration.ofMillis(50));
  }

  private double deadLetters(String reason) {
    return registry.get("annals.sdk.dead.letters").tag("reason", reason).counter().count();
  }

  private double delivered(String outcome) {
    return registry.get("annals.sdk.delivered").tag("outcome", outcome).counter().count();
  }

  private List<JsonNode> deadLetterFile() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(spool.resolve("dead-letters.jsonl"))) {
      lines.add(Json.READER.readTree(line));
    }
    return lines;
  }

  @Test
  void conflict_and_invalid_are_dead_lettered_with_the_reason_once_and_counted() throws IOException {
    hub.store(Json.READER.readTree("{\"id\":\"" + TAKEN_ID + "\",\"meta\":{\"service\":\"billing\","
        + "\"type\":\"payment-completed\",\"created_at\":\"2026-01-01T00:00:00Z\",\"aggregate_id\":\"payment/1\"},"
        + "\"payload\":{\"amount\":\"1.00/EUR\"}}"));
    String good;
    String conflicting;
    String invalid;
    String alsoGood;
    try (AnnalsClient client = client().build()) {
      good = client.publish("payment-completed", "payment/2", Map.of("amount", "2.00/EUR"));
      conflicting = client.publish(Events.of("payment-completed", "payment/1").id(TAKEN_ID)
          .payload(Map.of("amount", "9.99/EUR")));
      invalid = client.publish("invalid", "payment/3", Map.of("amount", "lots"));
      alsoGood = client.publish("payment-completed", "payment/4", Map.of("amount", "4.00/EUR"));

      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
    }

    List<JsonNode> lines = deadLetterFile();
    assertThat(lines).extracting(l -> l.path("reason").asText()).containsExactly("conflict", "invalid");
    assertThat(lines.get(0).path("event").path("id").asText()).isEqualTo(conflicting);
    assertThat(lines.get(0).path("event").path("payload").path("amount").asText()).isEqualTo("9.99/EUR");
    assertThat(lines.get(1).path("errors").get(0).asText()).isEqualTo("/payload/amount: must be a decimal with a currency");
    assertThat(listener.deadLetters).extracting(DeadLetter::eventId, DeadLetter::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(conflicting, Outcome.CONFLICT),
            org.assertj.core.groups.Tuple.tuple(invalid, Outcome.INVALID));
    assertThat(hub.timesReceived(conflicting)).isEqualTo(1);
    assertThat(hub.timesReceived(invalid)).isEqualTo(1);
    assertThat(hub.stored()).containsKeys(good, alsoGood);
    assertThat(deadLetters("conflict")).isEqualTo(1);
    assertThat(deadLetters("invalid")).isEqualTo(1);
    assertThat(delivered("created")).isEqualTo(2);
    assertThat(registry.get("annals.sdk.retries").counter().count()).isZero();
  }

  @Test
  void an_event_that_outlives_the_maximum_age_is_dead_lettered_as_expired_and_not_sent_again() throws IOException {
    hub.answerNext(1_000, 503, null);
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    String id;
    try (AnnalsClient client = client().clock(clock).maxAge(Duration.ofDays(1)).build()) {
      id = client.publish("payment-completed", "payment/1", Map.of());
      assertThat(client.flush(Duration.ofMillis(200))).isFalse();
      int attemptsBeforeExpiry = hub.timesReceived(id);
      assertThat(attemptsBeforeExpiry).isPositive();

      clock.advance(Duration.ofDays(1).plusSeconds(1));

      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(hub.timesReceived(id)).isLessThanOrEqualTo(attemptsBeforeExpiry + 1);
    }
    assertThat(deadLetterFile()).singleElement().satisfies(line -> {
      assertThat(line.path("reason").asText()).isEqualTo("expired");
      assertThat(line.path("detail").asText()).contains("maximum age of PT24H");
      assertThat(line.path("event").path("id").asText()).isEqualTo(id);
    });
    assertThat(listener.deadLetters).extracting(DeadLetter::reason).containsExactly(Outcome.EXPIRED);
    assertThat(deadLetters("expired")).isEqualTo(1);
  }

  @Test
  void a_request_forbidden_whole_dead_letters_its_events_as_forbidden() throws IOException {
    hub.answerNext(1, 403, null);
    List<String> ids = new ArrayList<>();
    try (AnnalsClient client = client().build()) {
      for (int i = 0; i < 3; i++) {
        ids.add(client.publish(Events.of("payment-completed", "payment/" + i)));
      }
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
    }
    // The first request may have carried one event or all three, depending on timing.
    assertThat(listener.deadLetters).isNotEmpty().allSatisfy(l -> assertThat(l.reason()).isEqualTo(Outcome.FORBIDDEN));
    assertThat(listener.deadLetters.size() + listener.delivered.size()).isEqualTo(3);
    assertThat(ids).allSatisfy(id -> assertThat(hub.timesReceived(id)).isEqualTo(1));
    assertThat(deadLetters("forbidden")).isEqualTo(listener.deadLetters.size());
  }

  @Test
  void one_unreadable_event_in_a_batch_is_isolated_by_splitting_and_the_others_are_delivered_once() throws IOException {
    List<String> good = new ArrayList<>();
    String bad;
    hub.answerNext(1, 503, "1"); // hold the first attempt back until all 16 are spooled
    try (AnnalsClient client = client().batchSize(16, 1024 * 1024).build()) {
      for (int i = 0; i < 5; i++) {
        good.add(client.publish("payment-completed", "payment/" + i, Map.of()));
      }
      bad = client.publish("unreadable", "payment/5", Map.of());
      for (int i = 6; i < 16; i++) {
        good.add(client.publish("payment-completed", "payment/" + i, Map.of()));
      }
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(hub.stored().keySet()).containsExactlyInAnyOrderElementsOf(good);
    assertThat(listener.delivered).hasSize(15).containsOnly(Outcome.CREATED);
    assertThat(deadLetterFile()).singleElement().satisfies(line -> {
      assertThat(line.path("reason").asText()).isEqualTo("invalid");
      assertThat(line.path("detail").asText()).contains("400").contains("request body is not readable");
      assertThat(line.path("event").path("id").asText()).isEqualTo(bad);
    });
    assertThat(hub.requests().size()).as("halving, not one request per event").isLessThan(16);
  }

  @Test
  void a_batch_too_large_for_the_hub_is_split_and_delivered() {
    List<String> ids = new ArrayList<>();
    hub.answerNext(1, 503, "1");
    try (AnnalsClient client = client().batchSize(10, 1024 * 1024).build()) {
      for (int i = 0; i < 10; i++) {
        ids.add(client.publish("payment-completed", "payment/" + i, Map.of()));
      }
      hub.answerNext(1, 413, null);
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(hub.stored().keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(listener.deadLetters).isEmpty();
  }
}
