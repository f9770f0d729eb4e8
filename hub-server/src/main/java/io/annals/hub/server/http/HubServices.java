package io.annals.hub.server.http;

import io.annals.hub.server.auth.AccessControl;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.feed.FeedService;
import io.annals.hub.server.feed.InFlightWatermark;
import io.annals.hub.server.feed.ReceivedAtClock;
import io.annals.hub.server.ingest.IngestService;
import io.annals.hub.server.ledger.LedgerService;
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
 * @param access decides every request before its handler (see {@code AccessFilter})
 * @param feed the projection feed of this instance
 * @param ledger the ledger's signed digests and proofs
 */
public record HubServices(
    HubConfig config,
    EventStore store,
    IngestService ingest,
    HubMetrics metrics,
    ReceivedAtClock receivedAtClock,
    InFlightWatermark watermark,
    Clock clock,
    EventJson json,
    AccessControl access,
    FeedService feed,
    LedgerService ledger) {}
