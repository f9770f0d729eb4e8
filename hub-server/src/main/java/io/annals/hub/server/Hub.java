package io.annals.hub.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.feed.InFlightWatermark;
import io.annals.hub.server.feed.ReceivedAtClock;
import io.annals.hub.server.http.EventJson;
import io.annals.hub.server.http.HubApp;
import io.annals.hub.server.http.HubServices;
import io.annals.hub.server.http.Routes;
import io.annals.hub.server.ingest.EventValidator;
import io.annals.hub.server.ingest.GroupCommitter;
import io.annals.hub.server.ingest.IngestService;
import io.annals.hub.server.ingest.RequestReader;
import io.annals.hub.server.ingest.StrictJson;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.metrics.MeteredEventStore;
import io.annals.hub.server.store.EventStore;
import io.javalin.Javalin;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running hub: the store, the group committer and the HTTP server wired together. Main starts
 * one on the configured address; tests start real ones on port 0. {@link #close()} shuts down
 * gracefully: no new requests, requests in flight finish, queued events are stored, the store closes.
 */
public final class Hub implements AutoCloseable {

  private static final long READINESS_PING_SECONDS = 5;

  private final Javalin app;
  private final GroupCommitter committer;
  private final HubServices services;
  private final ScheduledExecutorService pinger;

  private Hub(Javalin app, GroupCommitter committer, HubServices services, ScheduledExecutorService pinger) {
    this.app = app;
    this.committer = committer;
    this.services = services;
    this.pinger = pinger;
  }

  /** Starts a hub with the standard routes; it owns {@code store} from now on and closes it. */
  public static Hub start(HubConfig config, EventStore store, Clock clock) {
    return start(config, store, clock, HubApp.standardRoutes());
  }

  /** Starts a hub serving {@code routes}; it owns {@code rawStore} from now on and closes it. */
  public static Hub start(HubConfig config, EventStore rawStore, Clock clock, List<Routes> routes) {
    HubMetrics metrics = new HubMetrics();
    EventStore store = new MeteredEventStore(rawStore, metrics);
    ReceivedAtClock receivedAt = new ReceivedAtClock(store::clock);
    InFlightWatermark watermark = new InFlightWatermark(receivedAt);
    ObjectMapper strict = StrictJson.mapper();
    GroupCommitter committer = new GroupCommitter(store, watermark, config.ingest(), metrics);
    IngestService ingest = new IngestService(new RequestReader(strict, config.ingest()),
        new EventValidator(strict, clock, config.ingest().maxClockSkew()), committer, metrics);
    HubServices services = new HubServices(config, store, ingest, metrics, receivedAt, watermark, clock, new EventJson());
    ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "annals-store-ping");
      t.setDaemon(true);
      return t;
    });
    Javalin app = HubApp.create(services, routes);
    Hub hub = new Hub(app, committer, services, pinger);
    try {
      app.start(config.bind(), config.port());
    } catch (RuntimeException e) {
      hub.close();
      throw e;
    }
    // Keeps annals_hub_store_ready current even when nobody polls /health/ready.
    pinger.scheduleWithFixedDelay(hub::pingQuietly, 0, READINESS_PING_SECONDS, TimeUnit.SECONDS);
    return hub;
  }

  /** The port the HTTP server listens on (the real one when configured as 0). */
  public int port() {
    return app.port();
  }

  public HubServices services() {
    return services;
  }

  private void pingQuietly() {
    try {
      services.store().ping();
    } catch (RuntimeException e) {
      // The gauge now says 0; /health/ready and the 503 answers tell the rest.
    }
  }

  @Override
  public void close() {
    pinger.shutdownNow();
    app.stop();
    committer.close();
    services.store().close();
    services.metrics().close();
  }
}
