package io.annals.hub.server.feed;

import java.time.Instant;
import java.util.Objects;
import java.util.TreeMap;

/**
 * This instance's promise to the feed: every {@code received_at} it stamps from now on is at least
 * {@link #watermark()}, and every event it stamped below the watermark has finished its append
 * (committed, or failed and therefore absent).
 *
 * <p>An append takes a stamp with {@link #begin()} and reports completion with
 * {@link Ticket#end()}. Taking a stamp and registering it as in flight happen under the same lock
 * as {@link #watermark()}, so no stamp can appear below a watermark already handed out.
 *
 * <p>Caveat for readers: a store call that fails ambiguously (a MongoDB timeout after the server
 * applied the write) ends its ticket although the write may still become visible; such an event
 * has its stamp below the watermark. The feed's fallback lag covers that case.
 */
public final class InFlightWatermark {

  private final ReceivedAtClock clock;
  // Stamps in flight and how many appends hold each; several may share a microsecond.
  private final TreeMap<Instant, Integer> inFlight = new TreeMap<>();
  private volatile Runnable afterEnd = () -> {};

  public InFlightWatermark(ReceivedAtClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Stamps a new append and registers it as in flight; call {@link Ticket#end()} once it finished. */
  public Ticket begin() {
    ReceivedAtClock.Reading observed = clock.read();
    synchronized (this) {
      Instant stamp = clock.advance(observed);
      inFlight.merge(stamp, 1, Integer::sum);
      return new Ticket(stamp);
    }
  }

  /** The smallest stamp still in flight, or the clock's current value when nothing is in flight. */
  public Instant watermark() {
    ReceivedAtClock.Reading observed = clock.read();
    synchronized (this) {
      Instant now = clock.advance(observed);
      return inFlight.isEmpty() ? now : inFlight.firstKey();
    }
  }

  /** Runs {@code listener} after each append ends (the live feed's signal: the watermark may have moved). */
  public void afterEachEnd(Runnable listener) {
    this.afterEnd = Objects.requireNonNull(listener, "listener");
  }

  /** Number of appends in flight now (for diagnostics). */
  public synchronized int inFlight() {
    return inFlight.values().stream().mapToInt(Integer::intValue).sum();
  }

  private synchronized void end(Instant stamp) {
    inFlight.computeIfPresent(stamp, (k, n) -> n == 1 ? null : n - 1);
  }

  /** One append in flight: its stamp, and the way to say it finished. */
  public final class Ticket {
    private final Instant stamp;
    private boolean ended;

    private Ticket(Instant stamp) {
      this.stamp = stamp;
    }

    /**
     * The watermark as it will stand once this append has ended: the smallest stamp in flight other
     * than this append's own, or the clock's current value. For a publication written in the same
     * transaction as this append's events, which become visible together with it.
     */
    public Instant watermarkOnceEnded() {
      ReceivedAtClock.Reading observed = clock.read();
      synchronized (InFlightWatermark.this) {
        Instant now = clock.advance(observed);
        for (java.util.Map.Entry<Instant, Integer> e : inFlight.entrySet()) {
          if (ended || !e.getKey().equals(stamp) || e.getValue() > 1) {
            return e.getKey();
          }
        }
        return now;
      }
    }

    /** The {@code received_at} of every event in this append. */
    public Instant stamp() {
      return stamp;
    }

    /** Marks the append finished (committed or failed); later calls do nothing. */
    public void end() {
      boolean first;
      synchronized (InFlightWatermark.this) {
        first = !ended;
        if (first) {
          ended = true;
          InFlightWatermark.this.end(stamp);
        }
      }
      if (first) {
        afterEnd.run();
      }
    }
  }
}
