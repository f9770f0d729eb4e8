package io.annals.hub.server.feed;

import java.time.Duration;
import java.util.Objects;

/**
 * The live feed's settings (docs/decisions.md, "The live feed"), read apart from
 * {@link io.annals.hub.server.config.HubConfig} like the ledger's.
 *
 * @param heartbeat {@code HUB_FEED_HEARTBEAT}: how often this instance publishes its watermark, and so
 *     how far another instance's feed (and this one's, which also waits for its own publication) may
 *     trail a commit; null = the default for the lag ({@link FeedSettings#of})
 * @param maxWaiters {@code HUB_FEED_MAX_WAITERS}: long polls and streams waiting at once, in total
 * @param maxWaitersPerCaller {@code HUB_FEED_MAX_WAITERS_PER_KEY}: the same per API key (per remote
 *     address without keys)
 * @param keepAlive {@code HUB_FEED_STREAM_KEEPALIVE}: a stream quiet this long gets a comment line,
 *     which keeps proxies from closing it and tells the hub whether the client is still there
 * @param minCheckSpacing the least time between two checks of the waiters (signals in between coalesce)
 * @param workers threads that read and answer the waiters that have something (no thread per waiter)
 */
public record LiveFeedSettings(Duration heartbeat, int maxWaiters, int maxWaitersPerCaller, Duration keepAlive,
    Duration minCheckSpacing, int workers) {

  /** The longest {@code wait} a long poll may ask for. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_WAITERS = 10_000;
  public static final int DEFAULT_MAX_WAITERS_PER_CALLER = 2_000;
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);

  public LiveFeedSettings {
    if (heartbeat != null && (heartbeat.isNegative() || heartbeat.isZero())) {
      throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeat);
    }
    if (maxWaiters < 1 || maxWaitersPerCaller < 1 || workers < 1) {
      throw new IllegalArgumentException("maxWaiters, maxWaitersPerCaller and workers must be at least 1");
    }
    Objects.requireNonNull(keepAlive, "keepAlive");
    Objects.requireNonNull(minCheckSpacing, "minCheckSpacing");
    if (keepAlive.isNegative() || keepAlive.isZero()) {
      throw new IllegalArgumentException("keepAlive must be positive, was " + keepAlive);
    }
  }

  /** Heartbeat for the lag, 10,000 waiters in total and 2,000 per caller, keep-alive 15 s. */
  public static LiveFeedSettings defaults() {
    return new LiveFeedSettings(null, DEFAULT_MAX_WAITERS, DEFAULT_MAX_WAITERS_PER_CALLER, DEFAULT_KEEP_ALIVE,
        Duration.ofMillis(10), 4);
  }

  /** These settings with other bounds on the waiters. */
  public LiveFeedSettings withBounds(int total, int perCaller) {
    return new LiveFeedSettings(heartbeat, total, perCaller, keepAlive, minCheckSpacing, workers);
  }

  /** The feed's timings for {@code lag}, with this heartbeat as the publication interval when set. */
  public FeedSettings feedSettings(Duration lag) {
    FeedSettings base = FeedSettings.of(lag);
    return heartbeat == null ? base : new FeedSettings(lag, heartbeat, base.joinDelay(), base.expireAfter());
  }
}
