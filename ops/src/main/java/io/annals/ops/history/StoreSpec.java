package io.annals.ops.history;

import io.annals.hub.server.ledger.LedgerKey;
import io.annals.hub.server.schema.Catalog;
import io.annals.hub.server.schema.Quarantine;
import io.annals.hub.server.schema.SchemaRegistry;
import io.annals.hub.server.store.Erasures;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.FeedSource;
import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.store.mongo.MongoErasures;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.mongo.MongoLedger;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import io.annals.hub.server.store.sqlite.SqliteLedger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code embedded:DIR} or {@code mongodb:URI} (database {@code hub} unless the URI names one), as
 * {@code migrate --from/--to} take them, opened as the hub opens its store: the same adapters.
 */
record StoreSpec(String kind, String location, String database) {

  static StoreSpec parse(String text, String option) {
    if (text.startsWith("embedded:") && text.length() > "embedded:".length()) {
      return new StoreSpec("embedded", text.substring("embedded:".length()), null);
    }
    if (text.startsWith("mongodb:")) {
      String uri = text.substring("mongodb:".length());
      if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
        throw new IllegalArgumentException(option + " mongodb:URI takes a connection string mongodb://..., was: " + text);
      }
      String path = uri.replaceFirst("^mongodb(\\+srv)?://[^/]*/?", "");
      String db = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      return new StoreSpec("mongodb", uri, db.isEmpty() ? "hub" : db);
    }
    throw new IllegalArgumentException(option + " must be embedded:DIR or mongodb:URI, was: " + text);
  }

  /**
   * An opened store: its event log and feed (one adapter), its ledger (null when a source keeps
   * none), and the ports the other capabilities added: the erasure log, the schemas, the quarantine
   * and the catalog (the catalog is counted by every append, so a copy recounts it).
   */
  record Opened(EventLog log, FeedSource feed, Ledger ledger, Erasures erasures, SchemaRegistry schemas, Quarantine quarantine,
      Catalog catalog, AutoCloseable adapter) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try (adapter) {
        if (ledger != null) {
          ledger.close();
        }
      }
    }
  }

  /** Opens the store; a source must exist already (a missing events.db is a mistake, not an empty history). */
  Opened open(boolean source) {
    if (kind.equals("embedded")) {
      Path dir = Path.of(location);
      if (source && !Files.isRegularFile(dir.resolve(SqliteEventStore.FILE_NAME))) {
        throw new IllegalArgumentException(dir + " holds no " + SqliteEventStore.FILE_NAME + ": not an embedded store");
      }
      SqliteEventStore store = SqliteEventStore.open(dir);
      Ledger ledger = !source || Files.isRegularFile(dir.resolve(SqliteLedger.FILE_NAME)) ? SqliteLedger.open(dir) : null;
      return new Opened(store, store, ledger, store.erasures(), store.schemas(), store.schemas(), store.schemas(), store);
    }
    MongoEventStore store = MongoEventStore.connect(location, database);
    return new Opened(store, store, new MongoLedger(store.database()), new MongoErasures(store.database()), store.schemas(), store.schemas(),
        store.schemas(), store);
  }

  /** The ledger key file of an embedded store, if it has one. */
  Path keyFile() {
    return kind.equals("embedded") ? Path.of(location).resolve(LedgerKey.DATA_DIR_FILE) : null;
  }

  @Override
  public String toString() {
    return kind + ":" + (kind.equals("mongodb") ? location.replaceFirst("//[^@/]*@", "//***@") : location);
  }
}
