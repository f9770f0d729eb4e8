package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.client.internal.delivery.BackoffPolicy;
import io.annals.testsupport.FakeHub;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Must-show 2: against a hub that fails, attempts follow the backoff policy and honour
 * Retry-After, and delivery completes once the hub recovers. The client waits through an injected
 * sleeper that records each wait instead of sleeping, so the waits are asserted exactly.
 */
class BackoffTest extends AgainstFakeHub {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

  private AnnalsClientBuilder client(Duration base, Duration max) {
    return clientOfBilling()
        .backoff(base, max).meterRegistry(registry).sleeper(waits::add);
  }

  private double retries() {
    return registry.get("annals.sdk.retries").counter().count();
  }

  private static List<Duration> millis(long... values) {
    return Arrays.stream(values).mapToObj(Duration::ofMillis).toList();
  }

  @Test
  void retry_after_of_a_503_is_waited_out_and_delivery_completes_when_the_hub_recovers() {
    hub.answerNext(2, 503, "1");
    try (AnnalsClient client = client(Duration.ofMillis(50), Duration.ofMillis(200)).build()) {
      String id = client.publish("payment-completed", "payment/1", Map.of());

      assertThat(client.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(hub.stored()).containsKey(id);
      assertThat(hub.timesReceived(id)).isEqualTo(3);
    }
    // Retry-After (1 s) is longer than any jittered wait (at most 200 ms), so it sets the wait.
    assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(retries()).isEqualTo(2);
  }

  @Test
  void a_429_is_retried_after_its_retry_after_too() {
    hub.answerNext(1, 429, "1");
    try (AnnalsClient client = client(Duration.ofMillis(50), Duration.ofMillis(200)).build()) {
      client.publish("payment-completed", "payment/1", Map.of());
      assertThat(client.flush(Duration.ofSeconds(20))).isTrue();
    }
    assertThat(waits).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void waits_double_up_to_the_cap_when_the_jitter_draws_its_maximum() {
    hub.answerNext(5, 500, null);
    try (AnnalsClient client = client(Duration.ofMillis(100), Duration.ofMillis(400))
        .backoffRandom(bound -> bound - 1).build()) {
      client.publish("payment-completed", "payment/1", Map.of());
      assertThat(client.flush(Duration.ofSeconds(20))).isTrue();
    }
    assertThat(waits).isEqualTo(millis(100, 200, 400, 400, 400));
    assertThat(retries()).isEqualTo(5);
  }

  @Test
  void with_real_jitter_no_wait_exceeds_the_policys_ceiling() {
    hub.answerNext(4, 502, null);
    BackoffPolicy policy = BackoffPolicy.of(Duration.ofMillis(100), Duration.ofMillis(300));
    try (AnnalsClient client = client(Duration.ofMillis(100), Duration.ofMillis(300)).build()) {
      client.publish("payment-completed", "payment/1", Map.of());
      assertThat(client.flush(Duration.ofSeconds(20))).isTrue();
    }
    assertThat(waits).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(waits.get(i)).as("wait after attempt %d", i + 1).isBetween(Duration.ZERO, policy.ceiling(i + 1));
    }
  }

  @Test
  void the_sender_waits_exactly_what_the_policy_draws() {
    hub.answerNext(6, 500, null);
    Random drawn = new Random(7);
    BackoffPolicy policy = BackoffPolicy.of(Duration.ofMillis(100), Duration.ofMillis(800), drawn::nextLong);
    List<Duration> expected = new ArrayList<>();
    for (int attempt = 1; attempt <= 6; attempt++) {
      expected.add(policy.delay(attempt, null));
    }
    Random random = new Random(7);
    try (AnnalsClient client = client(Duration.ofMillis(100), Duration.ofMillis(800))
        .backoffRandom(random::nextLong).build()) {
      client.publish("payment-completed", "payment/1", Map.of());
      assertThat(client.flush(Duration.ofSeconds(20))).isTrue();
    }
    assertThat(waits).isEqualTo(expected);
  }

  @Test
  void send_waits_between_its_attempts_through_the_same_policy_and_sleeper() {
    hub.answerNext(2, 500, null).answerNext(1, 503, "2");
    try (AnnalsClient client = client(Duration.ofMillis(100), Duration.ofMillis(400))
        .backoffRandom(bound -> bound - 1).build()) {
      SendResult result = client.send("payment-completed", "payment/1", Map.of());

      assertThat(result.outcome()).isEqualTo(Outcome.CREATED);
    }
    assertThat(waits).isEqualTo(millis(100, 200, 2000));
  }

  @Test
  void the_unreachable_hub_is_retried_like_a_failing_one() throws Exception {
    String downHub;
    try (FakeHub stopped = new FakeHub()) {
      downHub = stopped.url();
    }
    try (AnnalsClient client = client(Duration.ofMillis(10), Duration.ofMillis(20)).hubUrl(downHub).build()) {
      client.publish("payment-completed", "payment/1", Map.of());
      assertThat(client.flush(Duration.ofMillis(500))).isFalse();
      assertThat(client.pendingEvents()).isEqualTo(1);
    }
    assertThat(retries()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void the_policy_draws_full_jitter_below_a_doubling_capped_ceiling() {
    Random random = new Random(42);
    BackoffPolicy policy = BackoffPolicy.of(Duration.ofMillis(100), Duration.ofSeconds(1), random::nextLong);

    assertThat(List.of(1, 2, 3, 4, 5, 9)).extracting(n -> policy.ceiling(n).toMillis())
        .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    for (int attempt = 1; attempt <= 6; attempt++) {
      long ceiling = policy.ceiling(attempt).toMillis();
      double sum = 0;
      for (int i = 0; i < 2000; i++) {
        long delay = policy.delay(attempt, null).toMillis();
        assertThat(delay).isBetween(0L, ceiling);
        sum += delay;
      }
      // Uniform on [0, ceiling]: the mean is half the ceiling.
      assertThat(sum / 2000).isCloseTo(ceiling / 2.0, org.assertj.core.data.Percentage.withPercentage(10));
    }
  }

  @Test
  void retry_after_is_a_floor_not_a_replacement() {
    BackoffPolicy policy = BackoffPolicy.of(Duration.ofMillis(100), Duration.ofSeconds(10), bound -> bound - 1);

    assertThat(policy.delay(1, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.delay(7, Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(6400));
  }
}
