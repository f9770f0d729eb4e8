package io.annals.hub.server;

import io.annals.hub.server.auth.AccessControl;
import io.annals.hub.server.auth.ApiKeysException;
import io.annals.hub.server.auth.LoopbackRule;
import io.annals.hub.server.config.ConfigException;
import io.annals.hub.server.ledger.LedgerKeyException;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.config.StoreKind;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the hub: configuration, then the access rules (API keys, or none on loopback only), then
 * the store, then ingestion and HTTP; stops it gracefully on SIGTERM. A wrong setting, an unusable
 * keys file or a non-loopback bind without keys (and without the opt-in) prints one line and exits
 * with 2; a failure to start exits with 1.
 */
public final class Main {

  private static final int EXIT_BAD_CONFIG = 2;
  private static final int EXIT_START_FAILED = 1;

  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(HubConfig.usage());
      return;
    }
    if (Arrays.asList(args).contains("--version")) {
      String version = Main.class.getPackage().getImplementationVersion();
      System.out.println("annals hub " + (version == null ? "(unknown: not run from the built jar)" : version));
      return;
    }
    HubConfig config;
    try {
      config = HubConfig.load(System.getenv(), args);
    } catch (ConfigException e) {
      System.err.println("annals hub: " + e.getMessage());
      System.exit(EXIT_BAD_CONFIG);
      return;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    LoopbackRule.Verdict verdict = LoopbackRule.decide(config.bind(), config.apiKeysFile() != null,
        config.allowUnauthenticated());
    if (!verdict.allowed()) {
      System.err.println("annals hub: " + verdict.line());
      System.exit(EXIT_BAD_CONFIG);
      return;
    }
    AccessControl access;
    try {
      access = Hub.accessControl(config);
    } catch (ApiKeysException e) {
      System.err.println("annals hub: invalid configuration: HUB_API_KEYS_FILE / --api-keys-file: " + e.getMessage());
      System.exit(EXIT_BAD_CONFIG);
      return;
    }
    if (verdict.line() != null) {
      log.warn(verdict.line());
    }
    Hub hub;
    try {
      hub = Hub.builder(config, openStore(config, HubConfig.startupCheck(System.getenv(), args))).access(access)
          .ledger(HubConfig.ledger(System.getenv(), args)).live(HubConfig.liveFeed(System.getenv(), args)).start();
    } catch (LedgerKeyException e) {
      System.err.println("annals hub: invalid configuration: " + e.getMessage());
      System.exit(EXIT_BAD_CONFIG);
      return;
    } catch (RuntimeException e) {
      System.err.println("annals hub: could not start: " + e.getMessage());
      System.exit(EXIT_START_FAILED);
      return;
    }
    log.info("annals hub listening on {}:{} store={} data_dir={}", config.bind(), hub.port(),
        config.store().wireName(), config.store() == StoreKind.EMBEDDED ? config.dataDir().toAbsolutePath() : "-");
    log.info("annals hub access: {}, {} per {}, bodies up to {} bytes, events up to {} bytes",
        access.authenticationOn() ? "API keys from " + config.apiKeysFile() : "authentication OFF", config.rate(),
        access.authenticationOn() ? "key" : "remote address", config.ingest().maxBodyBytes(), config.maxEventBytes());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      hub.close();
      log.info("annals hub stopped");
    }, "annals-shutdown"));
  }

  /** The configured adapter, opened once, seen through its ports. */
  private static Store openStore(HubConfig config, boolean startupCheck) {
    if (config.store() == StoreKind.MONGODB) {
      return Store.of(MongoEventStore.connect(config.mongodbUri(), config.mongodbDatabase()));
    }
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create data directory " + config.dataDir() + ": " + e.getMessage(), e);
    }
    return Store.of(SqliteEventStore.builder(config.dataDir()).startupCheck(startupCheck).open());
  }
}
