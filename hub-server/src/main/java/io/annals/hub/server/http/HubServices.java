package io.annals.hub.server.http;

import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.feed.InFlightWatermark;
import io.annals.hub.server.feed.ReceivedAtClock;
import io.annals.hub.server.ingest.IngestService;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.EventStore;
import java.time.Clock;

/**
 * The wired services that routes use.
 *
 * @param store the store, already metered: every call through it is timed
 * @param receivedAtClock the clock that stamps {@code received_at}
 * @param watermark this instance's in-flight watermark, for the feed's stable point
 * @param clock the hub's local clock
 */
public record HubServices(
    HubConfig config,
    EventStore store,
    IngestService ingest,
    HubMetrics metrics,
    ReceivedAtClock receivedAtClock,
    InFlightWatermark watermark,
    Clock clock,
    EventJson json) {}
