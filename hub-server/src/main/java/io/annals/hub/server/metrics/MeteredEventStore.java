package io.annals.hub.server.metrics;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.EventStore;
import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.StoreUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An {@link EventStore} that times every call into {@code annals_hub_store_seconds} and keeps the
 * store-ready gauge from pings. The hub wires every component to this decorator, so store metrics
 * do not depend on each caller remembering to record them.
 */
public final class MeteredEventStore implements EventStore {

  private final EventStore store;
  private final HubMetrics metrics;

  public MeteredEventStore(EventStore store, HubMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  @Override
  public List<AppendResult> append(List<StoredEvent> events) {
    return timed("append", () -> store.append(events));
  }

  @Override
  public Optional<StoredEvent> find(String id) {
    return timed("find", () -> store.find(id));
  }

  @Override
  public List<StoredEvent> query(EventFilter filter, Position after, int limit) {
    return timed("query", () -> store.query(filter, after, limit));
  }

  @Override
  public List<StoredEvent> aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit) {
    return timed("aggregate", () -> store.aggregateHistory(aggregateId, asOf, after, limit));
  }

  @Override
  public List<StoredEvent> feed(Set<String> types, Position after, Instant stableBefore, int limit) {
    return timed("feed", () -> store.feed(types, after, stableBefore, limit));
  }

  @Override
  public long countFeed(Set<String> types, Position after, Instant stableBefore) {
    return timed("count", () -> store.countFeed(types, after, stableBefore));
  }

  @Override
  public void publishWatermark(InstanceWatermark watermark) {
    store.publishWatermark(watermark);
  }

  @Override
  public List<InstanceWatermark> watermarks() {
    return store.watermarks();
  }

  @Override
  public void retireInstance(String instanceId) {
    store.retireInstance(instanceId);
  }

  @Override
  public Instant clock() {
    return store.clock();
  }

  @Override
  public Instant clockHighMark() {
    return store.clockHighMark();
  }

  @Override
  public void ping() {
    try {
      timed("ping", () -> {
        store.ping();
        return null;
      });
      metrics.storeReady(true);
    } catch (RuntimeException e) {
      metrics.storeReady(false);
      throw e;
    }
  }

  @Override
  public void close() {
    store.close();
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
