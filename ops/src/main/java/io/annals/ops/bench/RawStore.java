package io.annals.ops.bench;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The baseline: the same work the hub does, done directly on the store with its own driver
 * (sqlite-jdbc, or the MongoDB driver), with no HTTP and no hub code in the timed path. The
 * store's file or database is the same shape as the hub's (same columns, indexes and durability
 * settings), so a ratio measures what the hub adds.
 */
interface RawStore extends AutoCloseable {

  /** Stores {@code events} durably, {@code perTransaction} at a time (one fsync each); returns the time taken. */
  Duration insert(List<BenchEvent> events, int perTransaction);

  /** Stores each event in its own durable transaction, one after another; returns each one's latency. */
  Samples insertEach(List<BenchEvent> events);

  /**
   * Reads every stored event of {@code types} (empty = all) in {@code (received_at, id)} order
   * by keyset pages of {@code pageSize}, every column into Java values, as a feed consumer would.
   */
  Scan scan(Set<String> types, int pageSize);

  /**
   * Loads {@code count} events of {@code generator} as history received over the year before now,
   * as fast as the store allows (not a measurement), and returns once they are on disk, so that
   * nothing of the load is left for a later measurement to pay for.
   */
  void loadHistory(EventGenerator generator, long count);

  /** Events stored. */
  long count();

  @Override
  void close();

  /** What a scan read, and how long it took. */
  record Scan(long events, Duration elapsed) {
    double perSecond() {
      return events / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
  }
}
