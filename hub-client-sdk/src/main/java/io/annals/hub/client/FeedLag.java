package io.annals.hub.client;

import java.time.Instant;

/**
 * How far a cursor is behind the hub's stable point: {@code events} of the requested types lie
 * after the cursor and below {@code stableUntil}; {@code oldestReceivedAt} is the
 * {@code received_at} of the first of them (null when there are none).
 */
public record FeedLag(long events, Instant oldestReceivedAt, Instant stableUntil) {}
