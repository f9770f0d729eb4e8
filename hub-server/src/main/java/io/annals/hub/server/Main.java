package io.annals.hub.server;

import io.annals.hub.server.config.ConfigException;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.config.StoreKind;
import io.annals.hub.server.store.EventStore;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the hub: configuration, then the store, then ingestion and HTTP; stops it gracefully on
 * SIGTERM. A wrong setting prints one line and exits with 2; a failure to start exits with 1.
 */
public final class Main {

  private static final int EXIT_BAD_CONFIG = 2;
  private static final int EXIT_START_FAILED = 1;

  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(HubConfig.usage());
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
    Hub hub;
    try {
      hub = Hub.start(config, openStore(config), Clock.systemUTC());
    } catch (RuntimeException e) {
      System.err.println("annals hub: could not start: " + e.getMessage());
      System.exit(EXIT_START_FAILED);
      return;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("annals hub listening on {}:{} store={} data_dir={}", config.bind(), hub.port(),
        config.store().wireName(), config.store() == StoreKind.EMBEDDED ? config.dataDir().toAbsolutePath() : "-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      hub.close();
      log.info("annals hub stopped");
    }, "annals-shutdown"));
  }

  private static EventStore openStore(HubConfig config) {
    if (config.store() == StoreKind.MONGODB) {
      return MongoEventStore.connect(config.mongodbUri(), config.mongodbDatabase());
    }
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create data directory " + config.dataDir() + ": " + e.getMessage(), e);
    }
    return SqliteEventStore.open(config.dataDir());
  }
}
