package io.annals.hub.server.store;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import java.time.Instant;

/**
 * Conversion between {@link Instant} and the microseconds since the epoch (UTC) that the stores
 * keep in integer columns, so that order and equality in the store are order and equality of time.
 * Digits below a microsecond are dropped (docs/decisions.md).
 */
public final class EpochMicros {

  private static final long MICROS_PER_SECOND = 1_000_000L;

  private EpochMicros() {}

  /** {@code t} in epoch microseconds, rounded towards the past; IllegalArgumentException beyond ±292,000 years. */
  public static long of(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), MICROS_PER_SECOND), t.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("instant out of the storable range (epoch micros in a long): " + t, e);
    }
  }

  /** Like {@link #of} but clamps to the long range: for query bounds, where "far future" means "no bound". */
  public static long ofSaturated(Instant t) {
    if (t.getEpochSecond() >= Long.MAX_VALUE / MICROS_PER_SECOND) {
      return Long.MAX_VALUE;
    }
    if (t.getEpochSecond() <= Long.MIN_VALUE / MICROS_PER_SECOND) {
      return Long.MIN_VALUE;
    }
    return of(t);
  }

  /** The instant {@code micros} microseconds after the epoch. */
  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, MICROS_PER_SECOND), Math.floorMod(micros, MICROS_PER_SECOND) * 1000);
  }

  /** The event with both its times at microsecond precision (the same object when they already are). */
  public static StoredEvent truncate(StoredEvent stored) {
    Event e = stored.event();
    Instant createdAt = truncate(e.createdAt());
    Instant receivedAt = truncate(stored.receivedAt());
    if (createdAt.equals(e.createdAt()) && receivedAt.equals(stored.receivedAt())) {
      return stored;
    }
    return new StoredEvent(new Event(e.id(), e.service(), e.type(), createdAt, e.aggregateId(),
        e.correlationId(), e.payloadJson(), e.extensions()), receivedAt);
  }

  /** {@code t} with the digits below a microsecond dropped (rounded towards the past). */
  public static Instant truncate(Instant t) {
    return t.getNano() % 1000 == 0 ? t : toInstant(of(t));
  }
}
