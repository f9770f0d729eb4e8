package io.annals.hub.server;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real store whose first append waits until the test opens the gate: it makes "the writer is
 * busy while requests pile up" a certainty instead of a race. Every call reaches the real store.
 */
public final class GatedEventStore implements EventLog {

  private final Store store;
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch firstAppendWaiting = new CountDownLatch(1);
  private final List<Integer> appendSizes = new CopyOnWriteArrayList<>();

  public GatedEventStore(Store store) {
    this.store = store;
  }

  /** The store with its event log gated; closing it opens the gate first, so nothing stays held. */
  public Store store() {
    return store.with(this, store.feed(), store.health(), () -> {
      open();
      store.close();
    });
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
    return store.log().append(events);
  }

  @Override
  public Optional<StoredEvent> find(String id) {
    return store.log().find(id);
  }

  @Override
  public List<StoredEvent> query(EventFilter filter, Position after, int limit) {
    return store.log().query(filter, after, limit);
  }

  @Override
  public List<StoredEvent> aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit) {
    return store.log().aggregateHistory(aggregateId, asOf, after, limit);
  }
}
