package io.annals.hub.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  /** A clock that moves only when told to. */
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private RateLimiter limiter(Rate rate, int maxAddresses, String... keys) {
    return new RateLimiter(rate, List.of(keys), maxAddresses, now::get);
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  private int allowedInARow(RateLimiter limiter, String key) {
    int allowed = 0;
    while (limiter.acquireForKey(key).allowed()) {
      allowed++;
    }
    return allowed;
  }

  @Test
  void a_key_may_send_its_burst_at_once_and_is_then_refused() {
    RateLimiter limiter = limiter(new Rate(10, 5), 10, "billing-prod");

    assertThat(allowedInARow(limiter, "billing-prod")).isEqualTo(5);
    assertThat(limiter.acquireForKey("billing-prod").allowed()).isFalse();
  }

  @Test
  void a_thread_held_up_between_reading_the_clock_and_taking_a_token_is_judged_by_the_time_it_takes_it() {
    // Under load a request thread can be descheduled for longer than the burst window right after
    // reading the clock, while other requests of the same caller spend the refilled budget: judged
    // by its stale time it would find the bucket "seconds ahead" and be refused with budget left.
    AtomicBoolean stall = new AtomicBoolean();
    RateLimiter[] limiter = new RateLimiter[1];
    LongSupplier clock = () -> {
      long read = now.get();
      if (stall.compareAndSet(true, false)) {
        advance(Duration.ofSeconds(3));
        for (int i = 0; i < 4; i++) {
          assertThat(limiter[0].acquireForAddress("10.0.0.1").allowed()).as("another request meanwhile").isTrue();
        }
      }
      return read;
    };
    limiter[0] = new RateLimiter(new Rate(10, 5), List.of(), 10, clock);
    limiter[0].acquireForAddress("10.0.0.1");
    stall.set(true);

    assertThat(limiter[0].acquireForAddress("10.0.0.1").allowed()).as("one token of the five is left").isTrue();
    assertThat(limiter[0].acquireForAddress("10.0.0.1").allowed()).as("and then none").isFalse();
  }

  @Test
  void the_budget_refills_at_the_rate_and_never_beyond_the_burst() {
    RateLimiter limiter = limiter(new Rate(10, 5), 10, "billing-prod");
    allowedInARow(limiter, "billing-prod");

    advance(Duration.ofMillis(100));
    assertThat(allowedInARow(limiter, "billing-prod")).as("one interval, one request").isEqualTo(1);

    advance(Duration.ofMillis(300));
    assertThat(allowedInARow(limiter, "billing-prod")).isEqualTo(3);

    advance(Duration.ofHours(1));
    assertThat(allowedInARow(limiter, "billing-prod")).as("a quiet hour still allows only the burst").isEqualTo(5);
  }

  @Test
  void a_refused_request_says_when_to_retry_in_whole_seconds_rounded_up() {
    RateLimiter slow = limiter(new Rate(0.25, 1), 10, "k");
    slow.acquireForKey("k");

    assertThat(slow.acquireForKey("k")).isEqualTo(new RateLimiter.Result(false, 4));
    advance(Duration.ofMillis(2500));
    assertThat(slow.acquireForKey("k")).isEqualTo(new RateLimiter.Result(false, 2));
    advance(Duration.ofMillis(1500));
    assertThat(slow.acquireForKey("k").allowed()).isTrue();

    RateLimiter fast = limiter(new Rate(1000, 1), 10, "k");
    fast.acquireForKey("k");
    assertThat(fast.acquireForKey("k").retryAfterSeconds()).as("never 0, which would invite a retry at once").isEqualTo(1);
  }

  @Test
  void refused_requests_do_not_spend_the_budget() {
    RateLimiter limiter = limiter(new Rate(1, 1), 10, "k");
    limiter.acquireForKey("k");
    for (int i = 0; i < 1000; i++) {
      limiter.acquireForKey("k");
    }

    advance(Duration.ofSeconds(1));

    assertThat(limiter.acquireForKey("k").allowed()).isTrue();
  }

  @Test
  void one_key_over_its_budget_does_not_affect_another() {
    RateLimiter limiter = limiter(new Rate(1, 3), 10, "billing-prod", "reports");
    allowedInARow(limiter, "billing-prod");

    assertThat(allowedInARow(limiter, "reports")).isEqualTo(3);
    assertThat(limiter.acquireForAddress("10.0.0.1").allowed()).as("nor an anonymous caller").isTrue();
  }

  @Test
  void a_key_unknown_at_construction_has_no_budget() {
    RateLimiter limiter = limiter(Rate.defaults(), 10, "billing-prod");

    assertThatThrownBy(() -> limiter.acquireForKey("someone"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no rate budget for unknown key \"someone\"");
  }

  @Test
  void each_address_has_its_own_budget() {
    RateLimiter limiter = limiter(new Rate(1, 2), 10);

    assertThat(limiter.acquireForAddress("10.0.0.1").allowed()).isTrue();
    assertThat(limiter.acquireForAddress("10.0.0.1").allowed()).isTrue();
    assertThat(limiter.acquireForAddress("10.0.0.1").allowed()).isFalse();
    assertThat(limiter.acquireForAddress("10.0.0.2").allowed()).isTrue();
  }

  @Test
  void addresses_are_tracked_up_to_the_bound_and_a_forgotten_one_starts_full() {
    RateLimiter limiter = limiter(new Rate(1, 1), 3);
    limiter.acquireForAddress("a");
    limiter.acquireForAddress("b");
    limiter.acquireForAddress("c");
    limiter.acquireForAddress("a"); // refused, but seen again: now b is the eldest

    for (int i = 0; i < 1000; i++) {
      limiter.acquireForAddress("flood-" + (i % 2));
    }

    assertThat(limiter.trackedAddresses()).isEqualTo(3);
    assertThat(limiter.acquireForAddress("b").allowed()).as("b was forgotten, so starts full").isTrue();
  }

  @Test
  void the_least_recently_seen_address_is_forgotten_first() {
    RateLimiter limiter = limiter(new Rate(1, 1), 3);
    limiter.acquireForAddress("a");
    limiter.acquireForAddress("b");

    limiter.acquireForAddress("c");
    assertThat(limiter.acquireForAddress("a").allowed()).as("a is still tracked, so still empty").isFalse();
    limiter.acquireForAddress("d"); // b goes

    assertThat(limiter.acquireForAddress("a").allowed()).isFalse();
  }

  @Test
  void a_full_map_forgets_the_sixteenth_of_its_addresses_seen_least_recently() {
    RateLimiter limiter = limiter(new Rate(1, 1), 32);
    for (int i = 0; i < 32; i++) {
      limiter.acquireForAddress("a" + i);
    }
    limiter.acquireForAddress("a0"); // seen again (refused): a2 and a3 are now the least recently seen
    limiter.acquireForAddress("a1");

    limiter.acquireForAddress("new");

    assertThat(limiter.trackedAddresses()).isEqualTo(31);
    assertThat(limiter.acquireForAddress("a0").allowed()).as("a0 is still tracked, so still empty").isFalse();
    assertThat(limiter.acquireForAddress("a1").allowed()).as("and so is a1").isFalse();
    assertThat(limiter.acquireForAddress("a2").allowed()).as("a2 was forgotten, so starts full").isTrue();
    assertThat(limiter.acquireForAddress("a3").allowed()).as("and so does a3").isTrue();
  }

  @Test
  void concurrent_requests_from_known_and_new_addresses_keep_the_bound_and_each_address_its_burst() throws Exception {
    RateLimiter limiter = limiter(new Rate(1, 500), 64);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        tasks.add(() -> {
          int allowed = 0;
          for (int i = 0; i < 1000; i++) {
            allowed += limiter.acquireForAddress("10.0.0.1").allowed() ? 1 : 0;
            limiter.acquireForAddress("10.1." + thread + "." + i); // new addresses, forgetting others meanwhile
          }
          return allowed;
        });
      }
      int total = 0;
      for (Future<Integer> f : pool.invokeAll(tasks)) {
        total += f.get();
      }
      assertThat(total).as("the shared address, never forgotten as it is seen all along").isEqualTo(500);
      assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(64);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void the_clock_may_wrap_around() {
    now.set(Long.MAX_VALUE - 50_000_000L);
    RateLimiter limiter = limiter(new Rate(10, 1), 10, "k");
    assertThat(limiter.acquireForKey("k").allowed()).isTrue();
    assertThat(limiter.acquireForKey("k").allowed()).isFalse();

    advance(Duration.ofMillis(100)); // past Long.MAX_VALUE

    assertThat(now.get()).isNegative();
    assertThat(limiter.acquireForKey("k").allowed()).isTrue();
  }

  @Test
  void concurrent_requests_on_one_key_are_allowed_exactly_the_burst() throws Exception {
    RateLimiter limiter = limiter(new Rate(1, 500), 10, "k");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        tasks.add(() -> {
          int allowed = 0;
          for (int i = 0; i < 1000; i++) {
            allowed += limiter.acquireForKey("k").allowed() ? 1 : 0;
          }
          return allowed;
        });
      }
      int total = 0;
      for (Future<Integer> f : pool.invokeAll(tasks)) {
        total += f.get();
      }
      assertThat(total).isEqualTo(500);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rates_out_of_range_are_rejected_with_the_value() {
    assertThatThrownBy(() -> new Rate(0, 1)).hasMessage("rate perSecond must be between 0.001 and 1000000, was: 0.0");
    assertThatThrownBy(() -> new Rate(Double.NaN, 1)).hasMessageContaining("was: NaN");
    assertThatThrownBy(() -> new Rate(1, 0)).hasMessage("rate burst must be between 1 and 1000000, was: 0");
    assertThat(new Rate(100, 200)).hasToString("100 requests/s (burst 200)");
    assertThat(new Rate(0.5, 1)).hasToString("0.5 requests/s (burst 1)");
  }
}
