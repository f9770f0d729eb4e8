package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.client.internal.delivery.Sleeper;
import io.annals.testsupport.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SendTest extends AgainstFakeHub {


  private AnnalsClientBuilder client() {
    return clientOfBilling()
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50));
  }

  @Test
  void send_returns_the_hubs_verdict_for_the_event() {
    try (AnnalsClient client = client().build()) {
      EventBuilder event = Events.of("payment-completed", "payment/1")
          .id("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11").createdAt(Instant.parse("2026-01-01T00:00:00Z"))
          .payload(Map.of("amount", "3.00/EUR"));

      SendResult created = client.send(event);
      SendResult duplicate = client.send(event);
      SendResult conflict = client.send(event.payload(Map.of("amount", "4.00/EUR")));
      SendResult invalid = client.send("invalid", "payment/2", Map.of());

      assertThat(created.outcome()).isEqualTo(Outcome.CREATED);
      assertThat(created.receivedAt()).isNotNull();
      assertThat(duplicate.outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(conflict.outcome()).isEqualTo(Outcome.CONFLICT);
      assertThat(invalid.outcome()).isEqualTo(Outcome.INVALID);
      assertThat(invalid.errors()).containsExactly("/payload/amount: must be a decimal with a currency");
      assertThat(client.pendingEvents()).as("send bypasses the spool").isZero();
    }
  }

  @Test
  void send_retries_through_an_unavailable_hub() {
    hub.answerNext(2, 503, null);
    try (AnnalsClient client = client().build()) {
      SendResult result = client.send("payment-completed", "payment/1", Map.of());

      assertThat(result.outcome()).isEqualTo(Outcome.CREATED);
      assertThat(hub.timesReceived(result.id())).isEqualTo(3);
    }
  }

  @Test
  void send_gives_up_after_the_send_timeout_with_a_retryable_error() {
    hub.answerNext(10_000, 503, null);
    try (AnnalsClient client = client().sendTimeout(Duration.ofMillis(300)).build()) {
      assertThatThrownBy(() -> client.send("payment-completed", "payment/1", Map.of()))
          .isInstanceOfSatisfying(HubException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).contains("not accepted within PT0.3S");
          });
    }
  }

  @Test
  void a_step_of_the_wall_clock_neither_cuts_short_nor_stretches_the_send_timeout() {
    hub.answerNext(10_000, 503, null);

    // 100 ms waits within 450 ms: 4 waits, then the 5th attempt's wait would end past the timeout.
    assertThat(waitsBeforeGivingUp(Duration.ZERO)).as("wall clock steady").hasSize(4);
    assertThat(waitsBeforeGivingUp(Duration.ofHours(1))).as("wall clock stepped an hour ahead").hasSize(4);
    assertThat(waitsBeforeGivingUp(Duration.ofSeconds(-10))).as("wall clock stepped 10 s back").hasSize(4);
  }

  /**
   * Sends against a hub that keeps failing, waiting 100 ms between attempts, until send gives up
   * (450 ms). Each wait moves the monotonic clock and the wall clock by what it waits; the first
   * also steps the wall clock by {@code step}, as NTP does. Returns the waits.
   */
  private List<Duration> waitsBeforeGivingUp(Duration step) {
    TestClock wall = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    AtomicLong monotonic = new AtomicLong(123_456_789L);
    AtomicReference<Duration> stepOnce = new AtomicReference<>(step);
    List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    Sleeper sleeper = wait -> {
      waits.add(wait);
      monotonic.addAndGet(wait.toNanos());
      wall.advance(wait.plus(stepOnce.getAndSet(Duration.ZERO)));
    };
    try (AnnalsClient client = clientOfBilling().clock(wall).nanoTime(monotonic::get).sleeper(sleeper)
        .backoff(Duration.ofMillis(100), Duration.ofMillis(100)).backoffRandom(bound -> bound - 1)
        .sendTimeout(Duration.ofMillis(450)).build()) {
      assertThatThrownBy(() -> client.send("payment-completed", "payment/1", Map.of()))
          .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.retryable()).isTrue());
    }
    return List.copyOf(waits);
  }

  @Test
  void a_request_refused_whole_is_returned_as_the_events_outcome() {
    hub.answerNext(1, 403, null);
    try (AnnalsClient client = client().build()) {
      assertThat(client.send("payment-completed", "payment/1", Map.of()).outcome()).isEqualTo(Outcome.FORBIDDEN);
      assertThat(client.send("unreadable", "payment/1", Map.of()).outcome()).isEqualTo(Outcome.INVALID);
    }
  }
}
