package io.annals.hub.server;

import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerAppender;
import io.annals.hub.server.ledger.LedgerAudit;
import io.annals.hub.server.ledger.LedgerScrub;
import io.annals.hub.server.ledger.LedgerKey;
import io.annals.hub.server.ledger.LedgerService;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.mongo.MongoLedger;
import io.annals.hub.server.store.sqlite.SqliteLedger;
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
 * background appender that keeps the tree caught up with the feed's stable point.
 */
final class LedgerRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerRuntime.class);
  /** How often the appender looks for events newly below the stable point: well under the 1 s lag target. */
  static final long APPEND_INTERVAL_MILLIS = 100;
  static final int APPEND_BATCH = 1000;
  /** The scrub's rate limit: this many leaves re-hashed per tick, one tick a second. */
  static final int SCRUB_LEAVES_PER_TICK = 1000;
  static final long SCRUB_INTERVAL_MILLIS = 1000;
  /** How long the appender's lease lasts without renewal: far above a batch's duration, so a stalled holder's last batch ends first. */
  static final java.time.Duration LEASE_TTL = java.time.Duration.ofSeconds(15);

  private final Ledger ledger;
  private final LedgerService service;
  private final ScheduledExecutorService appending;

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
   * @param keyFile {@code HUB_LEDGER_KEY_FILE}, or null for the key in the data directory
   * @throws io.annals.hub.server.ledger.LedgerKeyException when the key file cannot be used
   */
  static LedgerRuntime open(HubConfig config, Store rawStore, Path keyFile, Clock clock) {
    LedgerKey key = keyFile != null ? LedgerKey.read(keyFile, "HUB_LEDGER_KEY_FILE / --ledger-key-file")
        : LedgerKey.inDataDir(config.dataDir());
    Ledger ledger = rawStore.resources() instanceof MongoEventStore mongo ? new MongoLedger(mongo.database()) : SqliteLedger.open(config.dataDir());
    return new LedgerRuntime(ledger, new LedgerService(ledger, key, clock));
  }

  LedgerService service() {
    return service;
  }

  /** Starts appending the events of {@code store} that are below {@code stablePoint}. */
  void startAppending(Store store, Supplier<Instant> stablePoint, String instanceId) {
    LedgerAppender appender = new LedgerAppender(store.feed(), ledger, stablePoint, new SecureRandom(), APPEND_BATCH);
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

  /** Starts the background scrub on this instance (every instance checks; reads only). */
  void startScrub(Store store, io.micrometer.core.instrument.MeterRegistry registry) {
    LedgerScrub scrub = new LedgerScrub(new LedgerAudit(store.log(), store.feed(), ledger, SCRUB_LEAVES_PER_TICK), SCRUB_LEAVES_PER_TICK, registry);
    appending.scheduleWithFixedDelay(() -> {
      try {
        scrub.tick();
      } catch (RuntimeException e) {
        // The store is down: the appender's warning says so; the pass resumes next tick.
        LOG.debug("ledger scrub tick failed: {}", e.getMessage());
      }
    }, SCRUB_INTERVAL_MILLIS, SCRUB_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    appending.shutdownNow();
    try {
      appending.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ledger.close();
  }
}
