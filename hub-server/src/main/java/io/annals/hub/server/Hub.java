package io.annals.hub.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.server.auth.AccessControl;
import io.annals.hub.server.auth.ApiKeys;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.feed.FeedService;
import io.annals.hub.server.feed.FeedSettings;
import io.annals.hub.server.feed.InFlightWatermark;
import io.annals.hub.server.feed.InstanceIds;
import io.annals.hub.server.feed.ReceivedAtClock;
import io.annals.hub.server.feed.WatermarkPublisher;
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
import io.annals.hub.server.store.StoreCorruptException;
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
  private final WatermarkPublisher publisher;

  private Hub(Javalin app, GroupCommitter committer, HubServices services, ScheduledExecutorService pinger,
      WatermarkPublisher publisher) {
    this.app = app;
    this.committer = committer;
    this.services = services;
    this.pinger = pinger;
    this.publisher = publisher;
  }

  /** Starts a hub with the standard routes; it owns {@code store} from now on and closes it. */
  public static Hub start(HubConfig config, EventStore store, Clock clock) {
    return start(config, store, clock, HubApp.standardRoutes());
  }

  /**
   * Starts a hub serving {@code routes} with the access control {@code config} asks for (see
   * {@link #accessControl}); it owns {@code rawStore} from now on and closes it.
   */
  public static Hub start(HubConfig config, EventStore rawStore, Clock clock, List<Routes> routes) {
    AccessControl access;
    try {
      access = accessControl(config);
    } catch (RuntimeException e) {
      rawStore.close();
      throw e;
    }
    return start(config, rawStore, clock, routes, access);
  }

  /**
   * The access control {@code config} asks for: the keys of {@code HUB_API_KEYS_FILE}, or without
   * one authentication off; either way the configured rate per caller. Whether the hub may run
   * without keys on its bind address is {@link io.annals.hub.server.auth.LoopbackRule}'s call, made by Main.
   *
   * @throws io.annals.hub.server.auth.ApiKeysException when the keys file cannot be used
   */
  public static AccessControl accessControl(HubConfig config) {
    return config.apiKeysFile() == null ? AccessControl.withoutKeys(config.rate())
        : AccessControl.withKeys(ApiKeys.load(config.apiKeysFile()), config.rate());
  }

  /**
   * Starts a hub serving {@code routes}, every request decided by {@code access}; it owns
   * {@code rawStore} from now on and closes it.
   */
  public static Hub start(HubConfig config, EventStore rawStore, Clock clock, List<Routes> routes, AccessControl access) {
    HubMetrics metrics = new HubMetrics();
    EventStore store = new MeteredEventStore(rawStore, metrics);
    ReceivedAtClock receivedAt = new ReceivedAtClock(store::clock, System::nanoTime, metrics::clockStepBack);
    InFlightWatermark watermark = new InFlightWatermark(receivedAt);
    FeedSettings feedSettings = FeedSettings.of(config.feedLag());
    WatermarkPublisher publisher = new WatermarkPublisher(store, InstanceIds.next(), watermark, receivedAt);
    FeedService feed = new FeedService(store, watermark, receivedAt, publisher, feedSettings, metrics, System::nanoTime);
    ObjectMapper strict = StrictJson.mapper(config.requestLimits());
    GroupCommitter committer = new GroupCommitter(store, watermark, config.ingest(), metrics);
    IngestService ingest = new IngestService(new RequestReader(strict, config.requestLimits()),
        new EventValidator(strict, clock, config.ingest().maxClockSkew(), config.maxEventBytes()), committer, metrics);
    HubServices services = new HubServices(config, store, ingest, metrics, receivedAt, watermark, clock, new EventJson(),
        access, feed);
    ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "annals-store-ping");
      t.setDaemon(true);
      return t;
    });
    Javalin app = HubApp.create(services, routes);
    Hub hub = new Hub(app, committer, services, pinger, publisher);
    try {
      // Known to the other instances' feeds before this one takes a write (docs/decisions.md).
      publisher.join(feedSettings.publishInterval(), feedSettings.joinDelay());
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
    } catch (StoreCorruptException e) {
      services.metrics().storeCorrupt(); // for the alert AnnalsHubStoreCorrupt
    } catch (RuntimeException e) {
      // The gauge now says 0; /health/ready and the 503 answers tell the rest.
    }
  }

  @Override
  public void close() {
    pinger.shutdownNow();
    app.stop();
    committer.close();
    // Only now that nothing more is written may the instance leave the other feeds' reckoning.
    publisher.close();
    services.store().close();
    services.metrics().close();
  }
}
