package io.annals.hub.server.feed;

import io.annals.hub.server.store.InstanceWatermark;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

/**
 * Chooses the feed's stable point: the {@code received_at} below which no event can become
 * visible later. A consumer that only reads below it, and follows cursors, sees every
 * acknowledged event exactly once.
 *
 * <p>Every hub instance promises, with its published watermark, that all its events below the
 * watermark are committed and every later stamp is at or above it. The stable point is the
 * smallest promise: this instance's own (exact, read now) and every other instance's last
 * published one. An instance that stopped reporting for longer than {@code lag} is taken to have
 * stopped writing: anything it still had in flight has landed by then (the fallback assumption
 * of the original {@code now - lag} design, now only for a silent instance).
 */
public final class StablePoint {

  private final String instanceId;
  private final Duration lag;

  public StablePoint(String instanceId, Duration lag) {
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    if (lag.isNegative() || lag.isZero()) {
      throw new IllegalArgumentException("feed lag must be positive, was: " + lag);
    }
    this.lag = lag;
  }

  /**
   * @param ownWatermark this instance's current watermark, read after {@code published}
   * @param published the watermarks instances have published (this instance's own is ignored)
   * @param now the current time on the store's clock
   */
  public Instant compute(Instant ownWatermark, Collection<InstanceWatermark> published, Instant now) {
    Instant stable = ownWatermark;
    Instant silentSince = now.minus(lag);
    for (InstanceWatermark other : published) {
      if (other.instanceId().equals(instanceId) || other.heartbeat().isBefore(silentSince)) {
        continue;
      }
      if (other.watermark().isBefore(stable)) {
        stable = other.watermark();
      }
    }
    return stable;
  }

  public Duration lag() {
    return lag;
  }
}
