package io.annals.ops.loadgen;

/**
 * The shares of each kind of traffic, each between 0 and 1. Shares of events, except
 * {@code batchShare}, which is the share of requests that carry a batch instead of one event.
 */
record TrafficMix(
    double lateShare,
    double duplicateShare,
    double conflictShare,
    double invalidShare,
    double batchShare,
    int maxBatch) {

  /**
   * Traffic as producers send it: mostly fresh events; 5% late (spools draining, imports), 3%
   * re-sent after a lost answer, 2% invalid, a few conflicting ids from a buggy producer, and a
   * tenth of requests batched the way the SDK delivers a backlog.
   */
  static final TrafficMix REALISTIC = new TrafficMix(0.05, 0.03, 0.005, 0.02, 0.10, 20);

  TrafficMix {
    share("lateShare", lateShare);
    share("duplicateShare", duplicateShare);
    share("conflictShare", conflictShare);
    share("invalidShare", invalidShare);
    share("batchShare", batchShare);
    if (duplicateShare + conflictShare + invalidShare > 1) {
      throw new IllegalArgumentException("duplicate, conflict and invalid shares add up to more than 1");
    }
    if (maxBatch < 2) {
      throw new IllegalArgumentException("maxBatch = " + maxBatch + ": expected at least 2");
    }
  }

  private static void share(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " = " + value + ": expected a share between 0 and 1");
    }
  }
}
