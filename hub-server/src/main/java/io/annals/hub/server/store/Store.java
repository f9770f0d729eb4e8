package io.annals.hub.server.store;

import java.util.Objects;

/**
 * One opened store seen through its ports by capability, so that each component is handed only
 * the port it uses. Main opens one per adapter kind with {@link #of}; a decorator (metrics) replaces
 * the ports it wraps and keeps the others; {@link #close} releases the adapter.
 *
 * <p>A new capability (ledger, erasures, schemas, ...) is a new port: its own interface, a component
 * here, implemented by both adapters, with its own contract suite (docs/decisions.md, "Storage ports
 * by capability").
 *
 * @param resources what {@link #close} releases: the adapter, or the store a decorator wraps
 */
public record Store(
    EventLog log,
    FeedSource feed,
    InstanceRegistry instances,
    StoreClock clock,
    StoreHealth health,
    AutoCloseable resources) implements AutoCloseable {

  public Store {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(feed, "feed");
    Objects.requireNonNull(instances, "instances");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(resources, "resources");
  }

  /** Every port of one adapter, which implements them all; closing the store closes the adapter. */
  public static <A extends EventLog & FeedSource & InstanceRegistry & StoreClock & StoreHealth & AutoCloseable> Store of(
      A adapter) {
    return new Store(adapter, adapter, adapter, adapter, adapter, adapter);
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
