package io.annals.ops.bench;

import java.time.Duration;

/**
 * How much work each scenario does. {@link #full()} is the issue's: a million stored events for the
 * feed, ten million for the history test; {@link #quick()} keeps the whole run under two minutes on
 * two cores. {@link #scaled} shrinks either for smoke tests.
 *
 * @param ingestEvents events posted in batches by {@code ingest-batch} (and so stored for the read side)
 * @param batchSize events per request and per raw transaction
 * @param clients concurrent single-event clients of {@code ingest-concurrent-single}
 * @param concurrentTime how long those clients send, after a warm-up of a fifth of it
 * @param latencyTime how long the half-load schedule runs, after a warm-up of a fifth of it
 * @param rawCommits single-event transactions timed for the latency baseline
 * @param feedStored events stored for {@code feed-paging}
 * @param feedWarmUp how long each side of {@code feed-paging} pages before it is timed (the hub's JIT
 *     compiler needs 10-15 s of one core here for the HTTP path)
 * @param visibilityTime how long the feed's visibility delay is probed, idle and busy each
 * @param sdkEvents events published through the SDK, and posted raw
 * @param historyEvents events loaded as history before {@code ingest-at-scale}
 * @param scaleEvents events posted to the large and to the empty store in {@code ingest-at-scale}
 * @param ledgerLeaves leaves of the tree that {@code ledger-proof} times inclusion proofs at (the issue's
 *     10 M in the full run: the load and the hub's append of them take tens of minutes there)
 */
record Sizes(
    int ingestEvents,
    int batchSize,
    int clients,
    Duration concurrentTime,
    Duration latencyTime,
    int rawCommits,
    int feedStored,
    Duration feedWarmUp,
    Duration visibilityTime,
    int sdkEvents,
    long historyEvents,
    int scaleEvents,
    long ledgerLeaves) {

  static Sizes quick() {
    return new Sizes(60_000, 1000, 64, Duration.ofSeconds(6), Duration.ofSeconds(10), 300, 100_000,
        Duration.ofSeconds(4), Duration.ofSeconds(3), 20_000, 1_000_000, 40_000, 1_000_000);
  }

  static Sizes full() {
    return new Sizes(1_000_000, 1000, 64, Duration.ofSeconds(30), Duration.ofSeconds(60), 2000, 1_000_000,
        Duration.ofSeconds(20), Duration.ofSeconds(10), 100_000, 10_000_000, 200_000, 10_000_000);
  }

  /** Every count and duration times {@code factor} (batch size and clients kept, each at least 1). */
  Sizes scaled(double factor) {
    if (!(factor > 0 && factor <= 1)) {
      throw new IllegalArgumentException("scale must be in (0, 1], was " + factor);
    }
    return new Sizes(atLeast(ingestEvents * factor, batchSize), batchSize, clients,
        scaled(concurrentTime, factor), scaled(latencyTime, factor), atLeast(rawCommits * factor, 20),
        atLeast(feedStored * factor, batchSize), scaled(feedWarmUp, factor), scaled(visibilityTime, factor), atLeast(sdkEvents * factor, 100),
        (long) Math.max(1000, historyEvents * factor), atLeast(scaleEvents * factor, batchSize),
        (long) Math.max(1000, ledgerLeaves * factor));
  }

  private static Duration scaled(Duration duration, double factor) {
    return Duration.ofMillis(Math.max(500, (long) (duration.toMillis() * factor)));
  }

  private static int atLeast(double value, int minimum) {
    return (int) Math.max(minimum, value);
  }
}
