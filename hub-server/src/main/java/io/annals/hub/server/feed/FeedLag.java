package io.annals.hub.server.feed;

import java.time.Instant;

/**
 * How far a cursor is behind the stable point: {@code events} of the requested types lie after
 * it and below {@code stableUntil}; {@code oldestReceivedAt} is the first one's (null when none).
 */
public record FeedLag(long events, Instant oldestReceivedAt, Instant stableUntil) {}
