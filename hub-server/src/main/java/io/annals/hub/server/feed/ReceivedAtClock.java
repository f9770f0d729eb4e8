package io.annals.hub.server.feed;

import io.annals.hub.server.store.EpochMicros;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The clock that stamps {@code received_at}: the store's clock (one clock for every hub instance
 * where the store offers one), truncated to microseconds, and never earlier than a value it has
 * already handed out. The feed's stable point relies on stamps that do not go backwards within an
 * instance even when the source clock does (NTP step, a failover to another MongoDB node).
 */
public final class ReceivedAtClock {

  private final Supplier<Instant> source;
  private Instant last = Instant.MIN;

  /** @param source the store's clock, e.g. {@code store::clock}; read outside any lock here */
  public ReceivedAtClock(Supplier<Instant> source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** {@code max(source now, last value)} truncated to microseconds; every later value is at least this. */
  public Instant now() {
    return advanceTo(read());
  }

  /** Reads the source without taking a lock, so that a slow store clock does not block other callers. */
  Instant read() {
    return EpochMicros.truncate(source.get());
  }

  /** Moves the clock to {@code observed} unless it is already later; returns the clock's value. */
  synchronized Instant advanceTo(Instant observed) {
    if (observed.isAfter(last)) {
      last = observed;
    }
    return last;
  }
}
