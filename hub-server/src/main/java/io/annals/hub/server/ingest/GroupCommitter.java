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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>Requests wait without a thread ({@link #appendAsync}): when a transaction ends, one task on the
 * answering thread completes all of its requests' futures, and what depends on them (the HTTP
 * answers) runs there. So a commit costs the writer one wake-up, not one per request, and the
 * writer never serialises or writes an answer itself (issue 29).
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
  // One thread: a group's answers go out in order, and on two cores a second would only contend.
  private final ExecutorService answers = Executors.newSingleThreadExecutor(daemon("annals-ingest-answers"));
  private final ScheduledThreadPoolExecutor timeouts = new ScheduledThreadPoolExecutor(1, daemon("annals-ingest-timeouts"));
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
    // Most requests are answered long before their timeout: drop the timer then, not at its due time.
    timeouts.setRemoveOnCancelPolicy(true);
    metrics.ingestQueue(this::queuedEvents);
    writer.start();
  }

  /**
   * Stores {@code events} in one transaction, possibly shared with other requests, and returns one
   * result per event in order. Throws {@link RequestRejectedException} (429 full, 503 timed out or
   * shutting down) or {@link StoreUnavailableException}.
   */
  public List<AppendResult> append(List<Event> events) {
    CompletableFuture<List<AppendResult>> done = appendAsync(events);
    try {
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // If the writer has not taken it yet it is skipped; if it has, a retry will see a duplicate.
      done.cancel(false);
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

  /**
   * As {@link #append}, without waiting: the future completes, on the committer's answering thread,
   * with one result per event once their transaction is committed (and on disk as the store
   * commits), or fails with {@link RequestRejectedException} (503 after
   * {@link IngestLimits#maxWait()}, or at shutdown) or {@link StoreUnavailableException}. A full queue
   * or a closed committer throws {@link RequestRejectedException} at once.
   */
  public CompletableFuture<List<AppendResult>> appendAsync(List<Event> events) {
    Request request = enqueue(events);
    long waitMillis = limits.maxWait().toMillis();
    ScheduledFuture<?> timeout;
    try {
      timeout = timeouts.schedule(() -> request.done.completeExceptionally(
          // If the writer has not taken it yet it is skipped; if it has, a retry will see a duplicate.
          RequestRejectedException.timedOut("the store did not confirm the events within " + waitMillis
              + " ms; retry: the event id makes retries safe")), waitMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closed since it was queued: the writer drains the queue, but nothing would bound the wait.
      request.done.completeExceptionally(RequestRejectedException.shuttingDown());
      return request.done;
    }
    request.done.whenComplete((results, failure) -> timeout.cancel(false));
    return request.done;
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
      answer(group, results, null);
    } catch (RuntimeException e) {
      ticket.end();
      answer(group, null, e);
    }
  }

  /**
   * Completes the requests of one transaction on the answering thread: one hand-off per commit,
   * and their answers are written while the writer goes on to the next transaction.
   */
  private void answer(List<Request> group, List<AppendResult> results, RuntimeException failure) {
    Runnable task = () -> {
      int from = 0;
      for (Request r : group) {
        if (failure != null) {
          r.done.completeExceptionally(failure);
        } else {
          r.done.complete(List.copyOf(results.subList(from, from + r.events.size())));
          from += r.events.size();
        }
      }
    };
    try {
      answers.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // not expected: the answering thread stops only after the writer
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
      // The last transactions' answers, then the timers of requests no longer waiting.
      answers.shutdown();
      answers.awaitTermination(limits.maxWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Timers still due fire (the executor's default): a request the writer never took still gets its 503.
    timeouts.shutdown();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      // Daemon as the writer: close() stops them in order; a forgotten committer keeps no JVM alive.
      t.setDaemon(true);
      return t;
    };
  }

  private record Request(List<Event> events, CompletableFuture<List<AppendResult>> done) {
    Request(List<Event> events) {
      this(events, new CompletableFuture<>());
    }
  }
}
