package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A batch the hub always fails on (5xx) because of one event in it: the sender splits it until
 * that event stands alone, holds it back, and delivers the others.
 */
class PoisonEventTest extends AgainstFakeHub {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final RecordingListener listener = new RecordingListener();

  private AnnalsClientBuilder client() {
    // Real sleeps, short ones: the held-back event's retries are timed by the clock.
    return clientOfBilling().backoff(Duration.ofMillis(5), Duration.ofMillis(20)).meterRegistry(registry)
        .listener(listener);
  }

  /** Twenty events, the eighth of type poison; returns their ids. */
  private static List<String> publishTwentyWithPoisonAtSeven(AnnalsClient client) {
    List<EventBuilder> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      events.add(Events.of(i == 7 ? "poison" : "payment-completed", "payment/" + i).payload(Map.of("n", i)));
    }
    return client.publishAll(events);
  }

  private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private double heldBackGauge() {
    return registry.get("annals.sdk.held.back").gauge().value();
  }

  @Test
  void the_poison_event_is_isolated_and_held_back_and_the_others_are_delivered() throws Exception {
    try (AnnalsClient client = client().build()) {
      List<String> ids = publishTwentyWithPoisonAtSeven(client);

      eventually("all but the held-back event delivered",
          () -> client.heldBackEvents() == 1 && client.pendingEvents() == 1);

      assertThat(hub.stored()).hasSize(19).doesNotContainKey(ids.get(7));
      assertThat(client.flush(Duration.ofMillis(200))).isFalse();
      assertThat(heldBackGauge()).isEqualTo(1);
      assertThat(listener.deadLetters).as("held back, not dead-lettered").isEmpty();
      assertThat(client.deadLetterFile()).doesNotExist();
    }
    long wholeBatchAttempts = hub.requests().stream().filter(r -> r.ids().size() == 20).count();
    assertThat(wholeBatchAttempts).as("5xx answers for the whole batch before it is split").isEqualTo(3);
  }

  @Test
  void a_held_back_event_is_delivered_once_the_hub_accepts_it_and_survives_a_restart_until_then() throws Exception {
    String poison;
    try (AnnalsClient client = client().build()) {
      poison = publishTwentyWithPoisonAtSeven(client).get(7);
      eventually("one event held back, the others delivered",
          () -> client.heldBackEvents() == 1 && client.pendingEvents() == 1);
    }
    hub.curePoison();

    try (AnnalsClient client = client().build()) {
      assertThat(client.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(client.heldBackEvents()).isZero();
    }
    assertThat(hub.stored()).containsKey(poison).hasSize(20);
  }

  @Test
  void a_held_back_event_past_its_maximum_age_is_dead_lettered_as_expired() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (AnnalsClient client = client().clock(clock).maxAge(Duration.ofDays(1)).build()) {
      String poison = publishTwentyWithPoisonAtSeven(client).get(7);
      eventually("one event held back, the others delivered",
          () -> client.heldBackEvents() == 1 && client.pendingEvents() == 1);

      clock.advance(Duration.ofDays(2));

      assertThat(client.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(listener.deadLetters).singleElement().satisfies(letter -> {
        assertThat(letter.eventId()).isEqualTo(poison);
        assertThat(letter.reason()).isEqualTo(Outcome.EXPIRED);
      });
    }
  }

  @Test
  void a_held_back_event_is_retried_after_the_wall_clock_steps_back() throws Exception {
    // The injected clock dates and ages events; the waits between attempts are elapsed time. This
    // clock stands still, then steps back an hour (as NTP may), after the held-back event's first
    // attempt failed: a wait timed by the clock would never end, and the event would be stuck.
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    TestClock clock = new TestClock(start);
    try (AnnalsClient client = client().clock(clock).build()) {
      String poison = publishTwentyWithPoisonAtSeven(client).get(7);
      // Three for the whole batch before it is split, the fourth is the held-back event's own.
      eventually("the held-back event's first attempt failed",
          () -> client.heldBackEvents() == 1 && registry.get("annals.sdk.retries").counter().count() >= 4);

      clock.set(start.minus(Duration.ofHours(1)));
      hub.curePoison();

      assertThat(client.flush(Duration.ofSeconds(30))).as("the held-back event delivered").isTrue();
      assertThat(hub.stored()).containsKey(poison).hasSize(20);
      assertThat(listener.deadLetters).isEmpty();
    }
  }

  @Test
  void an_outage_that_fails_every_request_holds_nothing_back() throws Exception {
    hub.answerNext(12, 500, null);
    try (AnnalsClient client = client().build()) {
      List<String> ids = client.publishAll(List.of(Events.of("a", "x/1"), Events.of("a", "x/2"),
          Events.of("a", "x/3"), Events.of("a", "x/4"), Events.of("a", "x/5")));

      assertThat(client.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(hub.stored()).containsOnlyKeys(ids);
    }
    // Something held back would have been appended to the held-back spool's only segment.
    Path heldBackSegment = spool.resolve("held-back").resolve("segment-00000000000000000000.log");
    assertThat(Files.size(heldBackSegment)).isZero();
    assertThat(heldBackGauge()).isZero();
  }
}
