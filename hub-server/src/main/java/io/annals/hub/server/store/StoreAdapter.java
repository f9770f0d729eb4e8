package io.annals.hub.server.store;

import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.schema.SchemaStores;

/**
 * What a storage adapter (embedded SQLite, MongoDB) implements: the event ports itself, and the
 * ports it keeps beside its events (erasure log, schemas, ledger), each handed out as a component
 * of {@link Store}. Nothing outside the adapter asks which adapter it is.
 */
public interface StoreAdapter extends EventLog, FeedSource, InstanceRegistry, StoreClock, StoreHealth, AutoCloseable {

  /** The erasure log, in the same file or database as the events. */
  Erasures erasures();

  /** Schemas, quarantine, catalog and type history, beside the events (the catalog counts each append). */
  SchemaStores schemaStores();

  /**
   * Opens the ledger's tree beside the events; called only when the hub keeps a ledger, since the
   * embedded store makes a file of its own for it ({@code ledger.db}).
   */
  Ledger openLedger();
}
