package io.annals.ops.loadgen;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free latency histogram in microseconds with about 6% precision: 16 linear sub-buckets per
 * power of two. Fixed memory whatever the run's length, unlike keeping every sample.
 */
final class LatencyHistogram {

  private static final int SUB_BUCKETS = 16;
  private static final int BUCKETS = 64 * SUB_BUCKETS;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  void record(long micros) {
    counts.incrementAndGet(index(Math.max(0, micros)));
  }

  long count() {
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** The upper bound (µs) of the bucket holding the {@code quantile} (0..1); 0 when empty. */
  long valueAt(double quantile) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return upperBound(i);
      }
    }
    return upperBound(BUCKETS - 1);
  }

  static int index(long micros) {
    if (micros < SUB_BUCKETS) {
      return (int) micros;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(micros) - 4; // micros >> exponent lies in 16..31
    int sub = (int) (micros >> exponent) - SUB_BUCKETS;
    return Math.min(BUCKETS - 1, exponent * SUB_BUCKETS + SUB_BUCKETS + sub);
  }

  static long upperBound(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int exponent = index / SUB_BUCKETS - 1;
    int sub = index % SUB_BUCKETS;
    return ((long) (SUB_BUCKETS + sub + 1) << exponent) - 1;
  }
}
