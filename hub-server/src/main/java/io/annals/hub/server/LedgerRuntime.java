package io.annals.hub.server;

import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.config.LedgerSettings;
import io.annals.hub.server.http.EventJson;
import io.annals.hub.server.http.LedgerOffRoutes;
import io.annals.hub.server.http.LedgerRoutes;
import io.annals.hub.server.http.Routes;
import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerAppender;
import io.annals.hub.server.ledger.LedgerAudit;
import io.annals.hub.server.ledger.LedgerScrub;
import io.annals.hub.server.ledger.LedgerKey;
import io.annals.hub.server.ledger.LedgerService;
import io.annals.hub.server.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger wired into a hub: its signing key, the adapter beside the event store (MongoDB's
 * database, or {@code ledger.db} in the data directory), the read side for the routes and a
 * background appender that keeps the tree caught up with the feed's stable point. With the ledger
 * off ({@code HUB_LEDGER=off}) it holds nothing, starts nothing, and its routes say the ledger is off.
 */
final class LedgerRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerRuntime.class);
  /** How often the appender looks for events newly below the stable point: well under the 1 s lag target. */
  static final long APPEND_INTERVAL_MILLIS = 100;
  static final int APPEND_BATCH = 1000;
  /** How many events without a leaf {@code /health/ready} counts at most: a bound on the work of one readiness probe. */
  static final int BEHIND_COUNTED = 1000;
  /** The scrub's rate limit: this many leaves re-hashed per tick, one tick a second. */
  static final int SCRUB_LEAVES_PER_TICK = 1000;
  static final long SCRUB_INTERVAL_MILLIS = 1000;
  /** How long the appender's lease lasts without renewal: far above a batch's duration, so a stalled holder's last batch ends first. */
  static final java.time.Duration LEASE_TTL = java.time.Duration.ofSeconds(15);

  private final Ledger ledger; // null when off
  private final LedgerService service; // null when off
  private final ScheduledExecutorService appending;
  private volatile Readiness readiness; // set when appending starts
  private volatile LedgerScrub scrub; // set when the scrub starts
  private volatile LedgerAppender appender; // set when appending starts

  private LedgerRuntime(Ledger ledger, LedgerService service) {
    this.ledger = ledger;
    this.service = service;
    this.appending = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "annals-ledger-appender");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Reads (or at the first start makes) the key and opens the ledger.
   *
   * @throws io.annals.hub.server.ledger.LedgerKeyException when the key file cannot be used
   */
  static LedgerRuntime open(HubConfig config, Store rawStore, LedgerSettings settings, Clock clock) {
    if (!settings.on()) {
      LOG.info("the ledger is off (HUB_LEDGER=off): no tree is kept, /ledger/* answers 404");
      return new LedgerRuntime(null, null);
    }
    Path keyFile = settings.keyFile();
    LedgerKey key = keyFile != null ? LedgerKey.read(keyFile, "HUB_LEDGER_KEY_FILE / --ledger-key-file")
        : LedgerKey.inDataDir(config.dataDir());
    Ledger ledger = rawStore.ledger().get();
    return new LedgerRuntime(ledger, new LedgerService(ledger, key, clock));
  }

  /** What an erasure needs of the ledger; null when the ledger is off. */
  io.annals.hub.server.erasure.LedgerAccess erasureAccess() {
    if (ledger == null) {
      return null;
    }
    return new io.annals.hub.server.erasure.LedgerAccess() {
      @Override
      public java.util.Optional<io.annals.hub.server.ledger.LedgerLeaf> leafOf(String eventId) {
        return ledger.leafOf(eventId);
      }

      @Override
      public void replaceSalts(String eventId, String saltsJson) {
        ledger.replaceSalts(eventId, saltsJson);
      }

      @Override
      public <T> T withoutAppends(Supplier<T> work) {
        LedgerAppender a = appender;
        if (a == null) {
          return work.get();
        }
        synchronized (a) { // LedgerAppender.appendBatch is synchronized on itself
          return work.get();
        }
      }
    };
  }

  /** The {@code /ledger} routes: the ledger's, or, when it is off, ones that say so. */
  Routes routes(EventJson json) {
    return service == null ? new LedgerOffRoutes(json) : new LedgerRoutes(service, json);
  }

  /**
   * Starts appending the events of {@code store} that are below {@code stablePoint}, and the gauge
   * {@code annals_ledger_lag_seconds}: how far the stable point is ahead of the time below which
   * every event has its leaf (what {@code bench}'s ledger scenario and the alert read).
   */
  void startAppending(Store store, Supplier<Instant> stablePoint, String instanceId, MeterRegistry registry) {
    if (ledger == null) {
      return;
    }
    LedgerAppender appender = new LedgerAppender(store.feed(), ledger, stablePoint, new SecureRandom(), APPEND_BATCH);
    this.appender = appender;
    readiness = new Readiness(store, appender, stablePoint);
    Gauge.builder("annals.ledger.lag", () -> lagSeconds(appender, stablePoint)).baseUnit("seconds")
        .description("stable point - the time before which every event has its ledger leaf (NaN until the first batch)")
        .register(registry);
    boolean[] failing = {false}; // only the appender's thread touches it
    appending.scheduleWithFixedDelay(() -> {
      try {
        // One appender among the instances sharing a store; times on the store's one clock.
        if (!ledger.tryLease(instanceId, store.clock().clock(), LEASE_TTL)) {
          return;
        }
        appender.catchUp();
        if (failing[0]) {
          LOG.info("ledger appends work again; the tree has {} leaves", ledger.size());
          failing[0] = false;
        }
      } catch (RuntimeException e) {
        // The store is down or another appender moved the tree: the appender reloads and retries
        // next round. Said once per outage, not ten times a second.
        if (!failing[0]) {
          LOG.warn("ledger append failed, retrying every {} ms: {}", APPEND_INTERVAL_MILLIS, e.getMessage());
          failing[0] = true;
        }
      }
    }, 0, APPEND_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Seconds from the appender's complete point to the stable point now; NaN when either is unknown. */
  private static double lagSeconds(LedgerAppender appender, Supplier<Instant> stablePoint) {
    Instant complete = appender.completeBelow().orElse(null);
    if (complete == null) {
      return Double.NaN;
    }
    try {
      return Math.max(0, java.time.Duration.between(complete, stablePoint.get()).toNanos() / 1e9);
    } catch (RuntimeException e) {
      return Double.NaN; // the store does not answer: no stable point now
    }
  }

  /** Starts the background scrub on this instance (every instance checks; reads only). */
  void startScrub(Store store, MeterRegistry registry, Clock clock) {
    if (ledger == null) {
      return;
    }
    LedgerScrub scrub = new LedgerScrub(new LedgerAudit(store.log(), store.feed(), ledger, SCRUB_LEAVES_PER_TICK),
        SCRUB_LEAVES_PER_TICK, registry, clock);
    this.scrub = scrub;
    appending.scheduleWithFixedDelay(() -> {
      try {
        scrub.tick();
      } catch (RuntimeException e) {
        // The store is down: the appender's warning says so; the pass resumes next tick.
        LOG.debug("ledger scrub tick failed: {}", e.getMessage());
      }
    }, SCRUB_INTERVAL_MILLIS, SCRUB_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** What the appender reads to tell how far behind the tree is. */
  private record Readiness(Store store, LedgerAppender appender, Supplier<Instant> stablePoint) {}

  /**
   * The {@code ledger} detail of {@code /health/ready} (readiness itself is the store's): the
   * tree's size, the events below the stable point that have no leaf yet (counted up to {@link
   * #BEHIND_COUNTED}), the lag, and the scrub's last pass; a difference the scrub found shows as
   * {@code status: mismatch} with the leaf and the reason.
   */
  java.util.Map<String, Object> readyDetail() {
    java.util.Map<String, Object> detail = new java.util.LinkedHashMap<>();
    if (ledger == null) {
      detail.put("status", "off");
      return detail;
    }
    try {
      long size = ledger.size();
      detail.put("status", "ok");
      detail.put("tree_size", size);
      Readiness r = readiness;
      if (r != null) {
        io.annals.hub.server.store.Position last = size == 0 ? null
            : ledger.leaf(size - 1).map(l -> new io.annals.hub.server.store.Position(l.receivedAt(), l.eventId())).orElse(null);
        int behind = r.store().feed().feed(java.util.Set.of(), last, r.stablePoint().get(), BEHIND_COUNTED).size();
        detail.put("leaves_behind", behind);
        if (behind == BEHIND_COUNTED) {
          detail.put("leaves_behind_counted_up_to", BEHIND_COUNTED);
        }
        double lag = lagSeconds(r.appender(), r.stablePoint());
        detail.put("lag_seconds", Double.isNaN(lag) ? null : lag);
      }
      LedgerScrub s = scrub;
      if (s != null) {
        scrubDetail(detail, s.status());
      }
    } catch (RuntimeException e) {
      // Readiness is the store's: a ledger that cannot answer is said here, not by a 503.
      detail.put("status", "unknown");
      detail.put("error", String.valueOf(e.getMessage()));
    }
    return detail;
  }

  private static void scrubDetail(java.util.Map<String, Object> detail, LedgerScrub.Status status) {
    java.util.Map<String, Object> scrub = new java.util.LinkedHashMap<>();
    scrub.put("checking", status.checking());
    scrub.put("of", status.of());
    scrub.put("last_pass", status.lastPass().map(p -> {
      java.util.Map<String, Object> pass = new java.util.LinkedHashMap<>();
      pass.put("finished_at", io.annals.hub.server.http.EventJson.time(p.finishedAt()));
      pass.put("leaves_checked", p.leavesChecked());
      pass.put("mismatches", p.mismatches());
      return pass;
    }).orElse(null));
    status.difference().ifPresent(d -> {
      detail.put("status", "mismatch");
      scrub.put("mismatch", java.util.Map.of("leaf_index", d.index(), "event_id", d.eventId(), "reason", d.reason()));
    });
    detail.put("scrub", scrub);
  }

  @Override
  public void close() {
    appending.shutdownNow();
    try {
      appending.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ledger != null) {
      ledger.close();
    }
  }
}
