package io.annals.hub.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.server.auth.AccessControl;
import io.annals.hub.server.auth.ApiKeys;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.config.LedgerSettings;
import io.annals.hub.server.feed.FeedService;
import io.annals.hub.server.feed.FeedSettings;
import io.annals.hub.server.feed.FeedWaiters;
import io.annals.hub.server.feed.LiveFeedSettings;
import io.annals.hub.server.feed.InFlightWatermark;
import io.annals.hub.server.feed.InstanceIds;
import io.annals.hub.server.feed.ReceivedAtClock;
import io.annals.hub.server.feed.WatermarkPublisher;
import io.annals.hub.server.http.EventJson;
import io.annals.hub.server.http.ConsoleRoutes;
import io.annals.hub.server.http.DocsRoutes;
import io.annals.hub.server.http.EventRoutes;
import io.annals.hub.server.http.FeedRoutes;
import io.annals.hub.server.http.HealthRoutes;
import io.annals.hub.server.http.HubApp;
import io.annals.hub.server.http.HubServices;
import io.annals.hub.server.http.OpenApiRoutes;
import io.annals.hub.server.http.QueryRoutes;
import io.annals.hub.server.http.Routes;
import io.annals.hub.server.ingest.BodyBudget;
import io.annals.hub.server.ingest.EventValidator;
import io.annals.hub.server.ingest.GroupCommitter;
import io.annals.hub.server.ingest.IngestService;
import io.annals.hub.server.ingest.RequestReader;
import io.annals.hub.server.schema.QuarantineService;
import io.annals.hub.server.schema.SchemaService;
import io.annals.hub.server.http.SchemaRoutes;
import io.annals.hub.server.ingest.StrictJson;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.metrics.MeteredEventStore;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.StoreCorruptException;
import io.annals.hub.server.erasure.ErasingEventLog;
import io.annals.hub.server.erasure.ErasureService;
import io.annals.hub.server.http.ErasureRoutes;
import io.annals.hub.server.store.Erasures;
import io.micrometer.core.instrument.Gauge;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import io.javalin.Javalin;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running hub: the store, the group committer and the HTTP server wired together. Main starts
 * one on the configured address; tests start real ones on port 0. {@link #close()} shuts down
 * gracefully: no new requests, requests in flight finish, queued events are stored, the store closes.
 */
public final class Hub implements AutoCloseable {

  private static final long READINESS_PING_SECONDS = 5;
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  private final Javalin app;
  private final GroupCommitter committer;
  private final HubServices services;
  private final Store store;
  private final List<Routes> routes;
  private final ScheduledExecutorService pinger;
  private final WatermarkPublisher publisher;
  private final LedgerRuntime ledger;
  private final FeedWaiters waiters;

  private Hub(Javalin app, GroupCommitter committer, HubServices services, Store store, List<Routes> routes,
      ScheduledExecutorService pinger, WatermarkPublisher publisher, LedgerRuntime ledger, FeedWaiters waiters) {
    this.ledger = ledger;
    this.waiters = waiters;
    this.app = app;
    this.committer = committer;
    this.services = services;
    this.store = store;
    this.routes = routes;
    this.pinger = pinger;
    this.publisher = publisher;
  }

  /** Starts a hub with the standard routes; it owns {@code store} from now on and closes it. */
  public static Hub start(HubConfig config, Store store, Clock clock) {
    return builder(config, store).clock(clock).start();
  }

  /**
   * A hub on {@code store} as {@code config} says, with what config does not hold (the clock, extra
   * routes, access control, ledger and live-feed settings) set on the builder; {@link Builder#start}
   * hands it the store, which it closes.
   */
  public static Builder builder(HubConfig config, Store store) {
    return new Builder(config, store);
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

  /** What a hub is started with beyond its configuration; every setting has a default. */
  public static final class Builder {
    private final HubConfig config;
    private final Store store;
    private Clock clock = Clock.systemUTC();
    private List<Routes> extraRoutes = List.of();
    private AccessControl access;
    private LedgerSettings ledger = LedgerSettings.on(null);
    private LiveFeedSettings live = LiveFeedSettings.defaults();

    private Builder(HubConfig config, Store store) {
      this.config = Objects.requireNonNull(config, "config");
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The clock that stamps and validates (default: the system's, UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Route groups served after the standard ones. */
    public Builder routes(List<Routes> extraRoutes) {
      this.extraRoutes = List.copyOf(extraRoutes);
      return this;
    }

    /** Who may do what (default: {@link #accessControl} of the configuration). */
    public Builder access(AccessControl access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    /** The ledger on (with its key file, null: in the data directory) or off (default: on). */
    public Builder ledger(LedgerSettings ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /** The live feed's heartbeat and bounds (default: {@link LiveFeedSettings#defaults()}). */
    public Builder live(LiveFeedSettings live) {
      this.live = Objects.requireNonNull(live, "live");
      return this;
    }

    /**
     * Starts the hub; it owns the store from now on, and closes it when the start fails.
     *
     * @throws io.annals.hub.server.auth.ApiKeysException when the keys file cannot be used
     * @throws io.annals.hub.server.ledger.LedgerKeyException when the ledger's key file cannot be used
     */
    public Hub start() {
      AccessControl decided;
      try {
        decided = access != null ? access : accessControl(config);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
      return wire(config, store, clock, extraRoutes, decided, ledger, live);
    }
  }

  private static Hub wire(HubConfig config, Store rawStore, Clock clock, List<Routes> extraRoutes, AccessControl access,
      LedgerSettings ledgerSettings, LiveFeedSettings live) {
    LedgerRuntime ledger;
    try {
      ledger = LedgerRuntime.open(config, rawStore, ledgerSettings, clock);
    } catch (RuntimeException e) {
      rawStore.close();
      throw e;
    }
    HubMetrics metrics = new HubMetrics();
    Store store = MeteredEventStore.meter(rawStore, metrics);
    ReceivedAtClock receivedAt = new ReceivedAtClock(store.clock()::clock, System::nanoTime, metrics::clockStepBack);
    InFlightWatermark watermark = new InFlightWatermark(receivedAt);
    FeedSettings feedSettings = live.feedSettings(config.feedLag());
    WatermarkPublisher publisher = new WatermarkPublisher(store.instances(), store.clock(), InstanceIds.next(), watermark, receivedAt);
    FeedService feed = new FeedService(store.feed(), store.instances(), watermark, receivedAt, publisher, feedSettings,
        metrics, System::nanoTime);
    FeedWaiters waiters = new FeedWaiters(feed, live, metrics.registry(), System::nanoTime);
    publisher.afterEachPublication(waiters::signal);
    watermark.afterEachEnd(waiters::signal);
    ObjectMapper strict = StrictJson.mapper(config.requestLimits());
    Erasures erasures = store.erasures();
    ReadWriteLock erasureGate = new ReentrantReadWriteLock();
    GroupCommitter committer = new GroupCommitter(
        new ErasingEventLog(store.log(), erasures, clock, erasureGate), watermark, config.ingest(), metrics, publisher);
    ErasureService erasure = new ErasureService(store.log(), erasures, ledger.erasureAccess(), committer, erasureGate, clock,
        metrics.registry());
    // Payload schemas, quarantine and catalog: ports of the adapter beside its events (docs/schemas.md).
    SchemaService schemas = new SchemaService(store.schemas(), clock, System::nanoTime);
    IngestService ingest = new IngestService(new RequestReader(strict, config.requestLimits()),
        new EventValidator(strict, clock, config.ingest().maxClockSkew(), config.maxEventBytes()), committer, metrics,
        bodyBudget(config, metrics), schemas);
    EventJson json = new EventJson();
    // For the alert AnnalsQuarantineGrowing; read from the store at each scrape (an index count).
    Gauge.builder("annals.hub.quarantine.held", store.schemas().quarantine(), q -> q.heldCount())
        .description("events held in the quarantine (not dropped, not released)").register(metrics.registry());
    HubServices services = new HubServices(config, metrics, json, access);
    List<Routes> routes = routeGroups(store, ingest, new FeedRoutes(feed, json, waiters), new HealthRoutes(store.health(), metrics, json,
        Map.of("ledger", ledger::readyDetail)), ledger.routes(json), json,
        concat(List.of(new ErasureRoutes(erasure, json),
            new SchemaRoutes(schemas, new QuarantineService(schemas, committer::append, clock), json, clock)), extraRoutes));
    ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "annals-store-ping");
      t.setDaemon(true);
      return t;
    });
    Javalin app = HubApp.create(services, routes);
    Hub hub = new Hub(app, committer, services, store, routes, pinger, publisher, ledger, waiters);
    try {
      // Known to the other instances' feeds before this one takes a write (docs/decisions.md).
      publisher.join(feedSettings.publishInterval(), feedSettings.joinDelay());
      resumeErasures(erasure);
      app.start(config.bind(), config.port());
    } catch (RuntimeException e) {
      hub.close();
      throw e;
    }
    // Keeps annals_hub_store_ready current even when nobody polls /health/ready.
    pinger.scheduleWithFixedDelay(hub::pingQuietly, 0, READINESS_PING_SECONDS, TimeUnit.SECONDS);
    ledger.startAppending(store, feed::stablePoint, publisher.instanceId(), metrics.registry());
    ledger.startScrub(store, metrics.registry(), clock);
    return hub;
  }


  /** The standard route groups, each built with the services its handlers use and nothing else, then {@code extra}. */
  private static List<Routes> routeGroups(Store store, IngestService ingest, FeedRoutes feed, HealthRoutes health,
      Routes ledger, EventJson json, List<Routes> extra) {
    List<Routes> routes = new ArrayList<>(List.of(
        new EventRoutes(ingest, store.log(), json),
        new QueryRoutes(store.log(), json),
        feed,
        health,
        new OpenApiRoutes(),
        new ConsoleRoutes(),
        new DocsRoutes(),
        ledger));
    routes.addAll(extra);
    return List.copyOf(routes);
  }

  /** Finishes erasures a stopped hub left half done (docs/erasure.md); a store that does not answer now is retried by the next start. */
  private static void resumeErasures(ErasureService erasure) {
    try {
      erasure.resume();
    } catch (RuntimeException e) {
      // The hub still starts: new events are erased at ingestion either way; a half-done erasure waits for the next start.
      LOG.warn("recorded erasures could not be checked at start ({}); they are checked again at the next start,"
          + " or send one again with its erasure_id", e.toString());
    }
  }

  private static List<Routes> concat(List<Routes> a, List<Routes> b) {
    List<Routes> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** HUB_BODY_BUDGET, or by default a share of this JVM's heap (logged, since it depends on -Xmx). */
  private static BodyBudget bodyBudget(HubConfig config, HubMetrics metrics) {
    long maxBody = config.ingest().maxBodyBytes();
    if (config.http().bodyBudgetBytes() > 0) {
      return new BodyBudget(config.http().bodyBudgetBytes(), maxBody, metrics::bodyBudgetRefused);
    }
    long maxHeap = Runtime.getRuntime().maxMemory();
    BodyBudget budget = new BodyBudget(BodyBudget.forHeap(maxHeap, maxBody), maxBody, metrics::bodyBudgetRefused);
    LOG.info("request bodies read and decoded at once: up to {} bytes (HUB_BODY_BUDGET; from a heap of {} MiB)",
        budget.capacity(), maxHeap >> 20);
    if (maxHeap * BodyBudget.HEAP_SHARE / BodyBudget.EXPANSION < maxBody) {
      LOG.warn("the heap ({} MiB) is small for request bodies of up to {} bytes (HUB_MAX_BODY_BYTES): one such body"
          + " may take up to {} times its size while decoded; give the JVM more heap (-Xmx) or lower HUB_MAX_BODY_BYTES",
          maxHeap >> 20, maxBody, BodyBudget.EXPANSION);
    }
    return budget;
  }

  /** The port the HTTP server listens on (the real one when configured as 0). */
  public int port() {
    return app.port();
  }

  /** What the app uses around every route group. */
  public HubServices services() {
    return services;
  }

  /** The store as the hub uses it: metered. */
  public Store store() {
    return store;
  }

  /** Every route group this hub serves, standard and extra, in registration order. */
  public List<Routes> routes() {
    return routes;
  }

  private void pingQuietly() {
    try {
      store.health().ping();
    } catch (StoreCorruptException e) {
      services.metrics().storeCorrupt(); // for the alert AnnalsHubStoreCorrupt
    } catch (RuntimeException e) {
      // The gauge now says 0; /health/ready and the 503 answers tell the rest.
    }
  }

  @Override
  public void close() {
    pinger.shutdownNow();
    // Waiting long polls and streams are answered now, so that the graceful stop below does not wait for them.
    waiters.close();
    app.stop();
    committer.close();
    // Only now that nothing more is written may the instance leave the other feeds' reckoning.
    publisher.close();
    ledger.close();
    store.close();
    services.metrics().close();
  }
}
