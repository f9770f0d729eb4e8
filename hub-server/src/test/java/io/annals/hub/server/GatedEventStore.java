package io.annals.hub.server;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.EventStore;
import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.Position;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real store whose first append waits until the test opens the gate: it makes "the writer is
 * busy while requests pile up" a certainty instead of a race. Every call reaches the real store.
 */
public final class GatedEventStore implements EventStore {

  private final EventStore store;
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch firstAppendWaiting = new CountDownLatch(1);
  private final List<Integer> appendSizes = new CopyOnWriteArrayList<>();

  public GatedEventStore(EventStore store) {
    this.store = store;
  }

  /** Lets every append through from now on. */
  public void open() {
    gate.countDown();
  }

  /** Blocks until the first append is held at the gate. */
  public void awaitFirstAppend() throws InterruptedException {
    firstAppendWaiting.await();
  }

  /** The number of events in each append call so far, in order. */
  public List<Integer> appendSizes() {
    return List.copyOf(appendSizes);
  }

  @Override
  public List<AppendResult> append(List<StoredEvent> events) {
    firstAppendWaiting.countDown();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    appendSizes.add(events.size());
    return store.append(events);
  }

  @Override
  public Optional<StoredEvent> find(String id) {
    return store.find(id);
  }

  @Override
  public List<StoredEvent> query(EventFilter filter, Position after, int limit) {
    return store.query(filter, after, limit);
  }

  @Override
  public List<StoredEvent> aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit) {
    return store.aggregateHistory(aggregateId, asOf, after, limit);
  }

  @Override
  public List<StoredEvent> feed(Set<String> types, Position after, Instant stableBefore, int limit) {
    return store.feed(types, after, stableBefore, limit);
  }

  @Override
  public long countFeed(Set<String> types, Position after, Instant stableBefore) {
    return store.countFeed(types, after, stableBefore);
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
    store.ping();
  }

  @Override
  public void close() {
    open();
    store.close();
  }
}
