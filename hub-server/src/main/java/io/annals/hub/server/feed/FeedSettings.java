package io.annals.hub.server.feed;

import java.time.Duration;
import java.util.Objects;

/**
 * Timings of the feed (docs/decisions.md, "Read side and feed").
 *
 * @param lag the fallback lag ({@code HUB_FEED_LAG}): how long an instance may stop reporting
 *     before the feed assumes its writes in flight have landed
 * @param publishInterval how often an instance publishes its watermark; a feed read can hold back
 *     by up to this much, so it bounds the visibility delay from below
 * @param joinDelay how long a starting instance waits after joining before it takes writes
 * @param expireAfter how long an instance may be silent before another instance retires it
 */
public record FeedSettings(Duration lag, Duration publishInterval, Duration joinDelay, Duration expireAfter) {

  public static final Duration DEFAULT_PUBLISH_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_JOIN_DELAY = Duration.ofMillis(100);
  public static final Duration MIN_EXPIRE_AFTER = Duration.ofMinutes(1);

  public FeedSettings {
    positive("lag", lag);
    positive("publishInterval", publishInterval);
    Objects.requireNonNull(joinDelay, "joinDelay");
    if (joinDelay.isNegative()) {
      throw new IllegalArgumentException("joinDelay must not be negative, was " + joinDelay);
    }
    if (publishInterval.multipliedBy(2).compareTo(lag) > 0) {
      throw new IllegalArgumentException("publishInterval " + publishInterval + " must be at most half the feed lag " + lag
          + ", or live instances would look silent");
    }
    if (expireAfter.compareTo(lag) < 0) {
      throw new IllegalArgumentException("expireAfter " + expireAfter + " must be at least the feed lag " + lag);
    }
  }

  /**
   * The defaults for a fallback lag: publish every 100 ms (every lag/4 for a lag under 400 ms),
   * join delay 100 ms, expire after max(10 × lag, 1 min).
   */
  public static FeedSettings of(Duration lag) {
    positive("lag", lag);
    Duration publish = lag.dividedBy(4).compareTo(DEFAULT_PUBLISH_INTERVAL) < 0 ? lag.dividedBy(4) : DEFAULT_PUBLISH_INTERVAL;
    Duration expire = lag.multipliedBy(10);
    return new FeedSettings(lag, publish, DEFAULT_JOIN_DELAY, expire.compareTo(MIN_EXPIRE_AFTER) < 0 ? MIN_EXPIRE_AFTER : expire);
  }

  /** A feed read (stable point and page) that took longer than this answers an empty page instead. */
  public Duration guard() {
    return lag.dividedBy(2);
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
