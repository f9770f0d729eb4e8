package io.annals.hub.server.feed;

import io.annals.hub.server.store.InstanceWatermark;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Chooses the feed's stable point: the {@code received_at} below which no event can become
 * visible later. A consumer that only reads below it, and follows cursors, sees every
 * acknowledged event exactly once (docs/decisions.md, "Read side and feed").
 *
 * <p>The stable point is the smallest of these promises:
 * <ul>
 *   <li>this instance's own watermark, read now (exact: nothing of its own is in flight below it);
 *   <li>this instance's last <em>published</em> heartbeat: an instance that joins later floors its
 *       clock at the heartbeats it finds, so it can never stamp below a stable point handed out
 *       before it was seen ({@link WatermarkPublisher#join});
 *   <li>every other instance's last published watermark (all its events below it are committed,
 *       all its later stamps are at or above it);
 *   <li>for an instance that stopped reporting, {@code max(its watermark, now - lag)}: the fixed lag
 *       of the original design, only as the fallback for that instance.
 * </ul>
 *
 * <p>"Stopped reporting" is judged by this instance's own monotonic clock: a heartbeat value that
 * has not changed for longer than {@code lag} since this instance first saw it. Heartbeats are
 * stamped on the publisher's clock, which may be skewed; comparing them with this instance's clock
 * could call a live instance silent, and calling a live instance silent is the one unsafe mistake.
 * An instance silent for longer than {@code expireAfter} is reported as expired, so that the caller
 * can retire it (a hub killed with {@code kill -9} never retires itself).
 *
 * <p>Thread-safe.
 */
public final class StablePoint {

  private final String instanceId;
  private final Duration lag;
  private final long lagNanos;
  private final long expireAfterNanos;
  private final LongSupplier nanoTime;
  // Per other instance: the heartbeat last seen, and when (nanoTime) it was first seen with it.
  private final Map<String, Sighting> sightings = new HashMap<>();

  /**
   * @param lag how long an instance may be silent before the fallback applies to it
   * @param expireAfter how long an instance may be silent before it is reported expired; at least {@code lag}
   * @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests
   */
  public StablePoint(String instanceId, Duration lag, Duration expireAfter, LongSupplier nanoTime) {
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    if (lag.isNegative() || lag.isZero()) {
      throw new IllegalArgumentException("feed lag must be positive, was: " + lag);
    }
    if (expireAfter.compareTo(lag) < 0) {
      throw new IllegalArgumentException("expireAfter must be at least the feed lag " + lag + ", was: " + expireAfter);
    }
    this.lag = lag;
    this.lagNanos = lag.toNanos();
    this.expireAfterNanos = expireAfter.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** The stable point, and the other instances silent for longer than {@code expireAfter}. */
  public record Result(Instant stableBefore, List<String> expired) {}

  /**
   * @param ownWatermark this instance's current watermark
   * @param ownPublished this instance's last heartbeat that the store acknowledged, read before
   *     {@code published} was read
   * @param published the watermarks instances have published (this instance's own is skipped)
   * @param now the current time on this instance's {@code received_at} clock
   */
  public synchronized Result compute(
      Instant ownWatermark, Instant ownPublished, Collection<InstanceWatermark> published, Instant now) {
    Instant stable = min(ownWatermark, Objects.requireNonNull(ownPublished, "ownPublished"));
    Instant fallback = now.minus(lag);
    long observedAt = nanoTime.getAsLong();
    List<String> expired = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (InstanceWatermark other : published) {
      if (other.instanceId().equals(instanceId)) {
        continue;
      }
      present.add(other.instanceId());
      long silentNanos = silentFor(other, observedAt);
      Instant promise = other.watermark();
      if (silentNanos > lagNanos && promise.isBefore(fallback)) {
        promise = fallback;
      }
      if (silentNanos > expireAfterNanos) {
        expired.add(other.instanceId());
      }
      stable = min(stable, promise);
    }
    sightings.keySet().retainAll(present);
    return new Result(stable, List.copyOf(expired));
  }

  public Duration lag() {
    return lag;
  }

  private long silentFor(InstanceWatermark other, long observedAt) {
    Sighting last = sightings.get(other.instanceId());
    if (last == null || !last.heartbeat.equals(other.heartbeat())) {
      sightings.put(other.instanceId(), new Sighting(other.heartbeat(), observedAt));
      return 0;
    }
    return observedAt - last.firstSeenNanos;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private record Sighting(Instant heartbeat, long firstSeenNanos) {}
}
