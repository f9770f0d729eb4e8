package io.annals.hub.server.store;

import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.schema.SchemaStores;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One opened store seen through its ports by capability, so that each component is handed only
 * the port it uses. Main opens one per adapter kind with {@link #of}; a decorator (metrics) replaces
 * the ports it wraps and keeps the others; {@link #close} releases the adapter.
 *
 * <p>A new capability (ledger, erasures, schemas, ...) is a new port: its own interface, a component
 * here, implemented by both adapters, with its own contract suite (docs/decisions.md, "Storage ports
 * by capability").
 *
 * @param erasures the erasure log beside the events
 * @param schemas schemas, quarantine, catalog and type history beside the events
 * @param ledger opens the ledger's tree beside the events (only called when the hub keeps one)
 * @param resources what {@link #close} releases: the adapter, or the store a decorator wraps
 */
public record Store(
    EventLog log,
    FeedSource feed,
    InstanceRegistry instances,
    StoreClock clock,
    StoreHealth health,
    Erasures erasures,
    SchemaStores schemas,
    Supplier<Ledger> ledger,
    AutoCloseable resources) implements AutoCloseable {

  public Store {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(feed, "feed");
    Objects.requireNonNull(instances, "instances");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(erasures, "erasures");
    Objects.requireNonNull(schemas, "schemas");
    Objects.requireNonNull(ledger, "ledger");
    Objects.requireNonNull(resources, "resources");
  }

  /** Every port of one adapter; closing the store closes the adapter. */
  public static Store of(StoreAdapter adapter) {
    return new Store(adapter, adapter, adapter, adapter, adapter, adapter.erasures(), adapter.schemaStores(),
        adapter::openLedger, adapter);
  }

  /** This store with its event log and health replaced (a decorator's), every other port kept. */
  public Store with(EventLog log, FeedSource feed, StoreHealth health, AutoCloseable resources) {
    return new Store(log, feed, instances, clock, health, erasures, schemas, ledger, resources);
  }

  /**
   * Closes the adapter. Adapters throw only unchecked exceptions; a checked one (from a resource
   * that declares it) becomes an IllegalStateException, as anything else not retryable does.
   */
  @Override
  public void close() {
    try {
      resources.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("closing the store failed: " + e, e);
    }
  }
}
