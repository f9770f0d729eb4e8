package io.annals.hub.server.store;

import java.time.Instant;

/**
 * A hub instance's published promise: every event it writes from now on has
 * {@code received_at >= watermark}, and all its events below it are committed. {@code heartbeat}
 * is when it last said so (on the store's clock), so that a silent instance can be recognised.
 */
public record InstanceWatermark(String instanceId, Instant watermark, Instant heartbeat) {}
