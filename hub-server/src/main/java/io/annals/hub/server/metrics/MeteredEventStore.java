package io.annals.hub.server.metrics;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.FeedSource;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.StoreHealth;
import io.annals.hub.server.store.StoreUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decorates the store ports that are metered (the event log, the feed source and the health check):
 * times every call into {@code annals_hub_store_seconds} and keeps the store-ready gauge from pings.
 * The hub wires every component to the store {@link #meter} returns, so store metrics do not depend
 * on each caller remembering to record them. The instance registry and the clock are not metered.
 */
public final class MeteredEventStore implements EventLog, FeedSource, StoreHealth {

  private final EventLog log;
  private final FeedSource feed;
  private final StoreHealth health;
  private final HubMetrics metrics;

  private MeteredEventStore(Store store, HubMetrics metrics) {
    this.log = store.log();
    this.feed = store.feed();
    this.health = store.health();
    this.metrics = metrics;
  }

  /** {@code store} with its metered ports decorated; the other ports and close pass through. */
  public static Store meter(Store store, HubMetrics metrics) {
    MeteredEventStore metered = new MeteredEventStore(store, metrics);
    return store.with(metered, metered, metered, store);
  }

  @Override
  public List<AppendResult> append(List<StoredEvent> events) {
    return timed("append", () -> log.append(events));
  }

  @Override
  public List<AppendResult> append(List<StoredEvent> events,
      java.util.function.Supplier<io.annals.hub.server.store.InstanceWatermark> publication) {
    return timed("append", () -> log.append(events, publication));
  }

  @Override
  public Optional<StoredEvent> find(String id) {
    return timed("find", () -> log.find(id));
  }

  @Override
  public List<StoredEvent> query(EventFilter filter, Position after, int limit) {
    return timed("query", () -> log.query(filter, after, limit));
  }

  @Override
  public List<StoredEvent> aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit) {
    return timed("aggregate", () -> log.aggregateHistory(aggregateId, asOf, after, limit));
  }

  @Override
  public List<StoredEvent> feed(Set<String> types, Position after, Instant stableBefore, int limit) {
    return timed("feed", () -> feed.feed(types, after, stableBefore, limit));
  }

  @Override
  public long countFeed(Set<String> types, Position after, Instant stableBefore) {
    return timed("count", () -> feed.countFeed(types, after, stableBefore));
  }

  @Override
  public void ping() {
    try {
      timed("ping", () -> {
        health.ping();
        return null;
      });
      metrics.storeReady(true);
    } catch (RuntimeException e) {
      metrics.storeReady(false);
      throw e;
    }
  }

  private <T> T timed(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    try {
      T result = call.get();
      metrics.storeCall(operation, true, System.nanoTime() - start);
      return result;
    } catch (StoreUnavailableException e) {
      metrics.storeCall(operation, false, System.nanoTime() - start);
      throw e;
    }
  }
}
