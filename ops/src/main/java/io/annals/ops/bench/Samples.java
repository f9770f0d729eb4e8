package io.annals.ops.bench;

import java.util.Arrays;

/**
 * Latency samples in microseconds, kept whole so that percentiles are exact (a minute of
 * samples at a few thousand a second is a few MB). Thread-safe: recorders synchronise on the
 * instance, which costs nothing beside a network round trip.
 */
final class Samples {

  private long[] values = new long[1024];
  private int size;
  private long[] sorted; // cached until the next record

  synchronized void record(long micros) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = Math.max(0, micros);
    sorted = null;
  }

  synchronized int count() {
    return size;
  }

  /**
   * The nearest-rank percentile: the smallest sample with at least {@code quantile} of all samples
   * at or below it (quantile 0..1; 0.5 is the median, 1 the maximum). 0 when there are none.
   */
  synchronized long percentile(double quantile) {
    if (!(quantile >= 0 && quantile <= 1)) {
      throw new IllegalArgumentException("quantile must be between 0 and 1, was " + quantile);
    }
    if (size == 0) {
      return 0;
    }
    if (sorted == null) {
      sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
    }
    int rank = (int) Math.ceil(quantile * size);
    return sorted[Math.max(0, rank - 1)];
  }

  /** A percentile in milliseconds with microsecond resolution. */
  double percentileMillis(double quantile) {
    return percentile(quantile) / 1000.0;
  }
}
