package io.annals.hub.server.ingest;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.feed.InFlightWatermark;
import io.annals.hub.server.feed.WatermarkPublisher;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.StoreUnavailableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: one writer thread owns {@link EventLog#append}. Request threads queue their
 * validated events and wait; the writer takes everything pending (up to
 * {@link IngestLimits#maxEventsPerCommit()}, never splitting one request) into one transaction, so
 * many small producers share one fsync. It stamps {@code received_at} through the
 * {@link InFlightWatermark}, so the feed knows which stamps are still in flight.
 *
 * <p>Bounds: a full queue answers 429 at once; a request waits at most
 * {@link IngestLimits#maxWait()} and then answers 503 (its events may still be stored, which a
 * retry sees as {@code duplicate}); a store failure fails every request of that transaction.
 */
public final class GroupCommitter implements AutoCloseable {

  private final EventLog store;
  private final InFlightWatermark watermark;
  private final WatermarkPublisher publisher; // null: commits publish nothing themselves
  private final IngestLimits limits;
  private final HubMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition pending = lock.newCondition();
  private final ArrayDeque<Request> queue = new ArrayDeque<>();
  private final Thread writer;
  private int queuedEvents;
  private boolean closed;

  /**
   * @param publisher publishes this instance's feed watermark within each commit's transaction where
   *     the store can (so the instance's own feed shows the events as the commit returns); null: none
   */
  public GroupCommitter(EventLog store, InFlightWatermark watermark, IngestLimits limits, HubMetrics metrics,
      WatermarkPublisher publisher) {
    this.store = store;
    this.watermark = watermark;
    this.publisher = publisher;
    this.limits = limits;
    this.metrics = metrics;
    this.writer = new Thread(this::run, "annals-group-committer");
    // Daemon so that a forgotten committer never keeps a JVM alive; close() drains it on shutdown.
    writer.setDaemon(true);
    metrics.ingestQueue(this::queuedEvents);
    writer.start();
  }

  /**
   * Stores {@code events} in one transaction, possibly shared with other requests, and returns one
   * result per event in order. Throws {@link RequestRejectedException} (429 full, 503 timed out or
   * shutting down) or {@link StoreUnavailableException}.
   */
  public List<AppendResult> append(List<Event> events) {
    Request request = enqueue(events);
    try {
      return request.done.get(limits.maxWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // If the writer has not taken it yet it is skipped; if it has, a retry will see a duplicate.
      request.done.cancel(false);
      throw RequestRejectedException.timedOut("the store did not confirm the events within "
          + limits.maxWait().toMillis() + " ms; retry: the event id makes retries safe");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      request.done.cancel(false);
      throw RequestRejectedException.shuttingDown();
    } catch (CancellationException e) {
      throw RequestRejectedException.shuttingDown();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException("append failed", e.getCause());
    }
  }

  /** Events queued and not yet taken by the writer. */
  public int queuedEvents() {
    lock.lock();
    try {
      return queuedEvents;
    } finally {
      lock.unlock();
    }
  }

  private Request enqueue(List<Event> events) {
    Request request = new Request(List.copyOf(events));
    lock.lock();
    try {
      if (closed) {
        throw RequestRejectedException.shuttingDown();
      }
      if (queuedEvents + events.size() > limits.queueCapacityEvents()) {
        throw RequestRejectedException.overloaded(queuedEvents + " events are waiting to be stored (limit "
            + limits.queueCapacityEvents() + "); retry after the Retry-After delay");
      }
      queue.add(request);
      queuedEvents += events.size();
      pending.signal();
      return request;
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      List<Request> group = takeGroup();
      if (group.isEmpty()) {
        return;
      }
      commit(group);
    }
  }

  /** Waits for work; returns an empty list only when closed and drained. */
  private List<Request> takeGroup() {
    lock.lock();
    try {
      while (true) {
        while (queue.isEmpty() && !closed) {
          pending.awaitUninterruptibly();
        }
        if (queue.isEmpty()) {
          return List.of();
        }
        List<Request> group = new ArrayList<>();
        int events = 0;
        while (!queue.isEmpty()) {
          Request next = queue.peek();
          if (!group.isEmpty() && events + next.events.size() > limits.maxEventsPerCommit()) {
            break;
          }
          queue.poll();
          queuedEvents -= next.events.size();
          // A request that gave up waiting is not written: its client was told 503 already.
          if (!next.done.isDone()) {
            group.add(next);
            events += next.events.size();
          }
        }
        if (!group.isEmpty()) {
          return group;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void commit(List<Request> group) {
    InFlightWatermark.Ticket ticket = watermark.begin();
    try {
      List<StoredEvent> stamped = new ArrayList<>();
      for (Request r : group) {
        for (Event e : r.events) {
          stamped.add(new StoredEvent(e, ticket.stamp()));
        }
      }
      List<AppendResult> results;
      if (publisher == null) {
        results = store.append(stamped);
      } else {
        WatermarkPublisher.AppendPublication publication = publisher.withAppend(ticket);
        results = store.append(stamped, publication);
        publication.committed(); // before the ticket ends: its end wakes the feed's waiters
      }
      ticket.end();
      if (results.size() != stamped.size()) {
        throw new IllegalStateException("store answered " + results.size() + " results for " + stamped.size() + " events");
      }
      metrics.commitBatch(stamped.size());
      int from = 0;
      for (Request r : group) {
        r.done.complete(List.copyOf(results.subList(from, from + r.events.size())));
        from += r.events.size();
      }
    } catch (RuntimeException e) {
      ticket.end();
      for (Request r : group) {
        r.done.completeExceptionally(e);
      }
    }
  }

  /** Stops taking events, stores everything already queued, and stops the writer. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      pending.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      writer.join(limits.maxWait().toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Request(List<Event> events, CompletableFuture<List<AppendResult>> done) {
    Request(List<Event> events) {
      this(events, new CompletableFuture<>());
    }
  }
}
