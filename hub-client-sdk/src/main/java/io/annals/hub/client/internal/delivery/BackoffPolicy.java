package io.annals.hub.client.internal.delivery;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Random;
import java.util.function.LongUnaryOperator;

/**
 * Waits between delivery attempts: exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff and Jitter"): before attempt n+1, a uniformly random wait in
 * {@code [0, min(max, base * 2^(n-1))]}. Full jitter spreads the retries of many producers that
 * failed together, so a recovering hub is not hit by them all at once. A {@code Retry-After} from
 * the hub is a floor: the wait is never shorter than what the hub asked for.
 */
public final class BackoffPolicy {

  private final IntervalFunction ceiling;
  private final IntervalFunction jittered;

  private BackoffPolicy(Duration base, Duration max, LongUnaryOperator random) {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "backoff base must be positive and at most the max, were: base=" + base + ", max=" + max);
    }
    this.ceiling = IntervalFunction.ofExponentialBackoff(base, 2.0, max);
    this.jittered = attempt -> random.applyAsLong(ceiling.apply(attempt) + 1);
  }

  public static BackoffPolicy of(Duration base, Duration max) {
    Random random = new Random();
    return of(base, max, bound -> random.nextLong(bound));
  }

  /** A policy drawing its jitter from {@code random}, which maps a bound to a long in {@code [0, bound)}. */
  public static BackoffPolicy of(Duration base, Duration max, LongUnaryOperator random) {
    return new BackoffPolicy(base, max, random);
  }

  /** The longest wait the policy may choose after failed attempt {@code attempt} (1 = the first). */
  public Duration ceiling(int attempt) {
    return Duration.ofMillis(ceiling.apply(attempt));
  }

  /** The wait after failed attempt {@code attempt}; {@code retryAfter} (may be null) is a floor. */
  public Duration delay(int attempt, Duration retryAfter) {
    Duration jitter = Duration.ofMillis(jittered.apply(Math.max(1, attempt)));
    return retryAfter != null && retryAfter.compareTo(jitter) > 0 ? retryAfter : jitter;
  }
}
