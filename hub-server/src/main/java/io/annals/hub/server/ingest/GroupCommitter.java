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
 * The 503 comes from one sweeper thread, not a timer per request: requests are kept in the order
 * they were queued, which is the order of their deadlines, and the sweeper sleeps until the oldest
 * unanswered one is due. So it comes once {@code maxWait} has passed, late by the sweeper's wake-up
 * only (well under a millisecond on an idle machine, a scheduler's delay on a saturated one), both
 * to a request still queued and to one the writer has taken but not answered.
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
  private final Condition sweepable = lock.newCondition();
  private final ArrayDeque<Request> queue = new ArrayDeque<>();
  /**
   * Every request queued and not yet seen answered, in the order queued (so of deadlines): the
   * still queued ones and those the writer took. Its answered head is dropped by the writer at each
   * take and by the sweeper, so it holds about what is in flight.
   */
  private final ArrayDeque<Request> unanswered = new ArrayDeque<>();
  private final Thread writer;
  // One thread: a group's answers go out in order, and on two cores a second would only contend.
  private final ExecutorService answers = Executors.newSingleThreadExecutor(daemon("annals-ingest-answers"));
  private final long maxWaitNanos;
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
    this.maxWaitNanos = limits.maxWait().toNanos();
    this.writer = new Thread(this::run, "annals-group-committer");
    // Daemon so that a forgotten committer never keeps a JVM alive; close() drains it on shutdown.
    writer.setDaemon(true);
    metrics.ingestQueue(this::queuedEvents);
    writer.start();
    daemon("annals-ingest-timeouts").newThread(this::sweep).start();
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
   * commits), or fails with {@link RequestRejectedException} (503 once {@link IngestLimits#maxWait()}
   * has passed, on the sweeper's thread) or {@link StoreUnavailableException}. A full queue or a
   * closed committer throws {@link RequestRejectedException} at once.
   */
  public CompletableFuture<List<AppendResult>> appendAsync(List<Event> events) {
    // No timer here: the sweeper answers 503 once maxWait has passed (see the class comment).
    return enqueue(events).done;
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
    List<Event> copy = List.copyOf(events);
    lock.lock();
    try {
      if (closed) {
        throw RequestRejectedException.shuttingDown();
      }
      if (queuedEvents + events.size() > limits.queueCapacityEvents()) {
        throw RequestRejectedException.overloaded(queuedEvents + " events are waiting to be stored (limit "
            + limits.queueCapacityEvents() + "); retry after the Retry-After delay");
      }
      // The deadline is read under the lock, so that the order queued is the order of deadlines.
      Request request = new Request(copy, new CompletableFuture<>(), System.nanoTime() + maxWaitNanos);
      queue.add(request);
      unanswered.add(request);
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
      forgetAnswered();
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
          // A request that gave up waiting is not written: its client was told 503 already (the
          // sweeper did, so it is never kept waiting by the writer's hold on the store).
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

  /** Drops the answered requests at the head of {@link #unanswered}; under the lock. */
  private void forgetAnswered() {
    while (!unanswered.isEmpty() && unanswered.peek().done.isDone()) {
      unanswered.poll();
    }
  }

  /**
   * The sweeper: sleeps until the oldest unanswered request is due (at most {@code maxWait}, the
   * soonest a request queued meanwhile can be due), and answers 503 to every request past its
   * deadline, queued or taken. Runs until closed with nothing left unanswered.
   */
  private void sweep() {
    List<Request> late = new ArrayList<>();
    while (true) {
      lock.lock();
      try {
        long now = System.nanoTime();
        Request head;
        while ((head = unanswered.peek()) != null && (head.done.isDone() || head.deadline - now <= 0)) {
          unanswered.poll();
          if (!head.done.isDone()) {
            late.add(head);
          }
        }
        if (late.isEmpty()) {
          if (head == null && closed) {
            return;
          }
          sweepable.awaitNanos(head == null ? maxWaitNanos : head.deadline - now);
          continue;
        }
      } catch (InterruptedException e) {
        return; // not expected: nothing interrupts this daemon thread
      } finally {
        lock.unlock();
      }
      // Outside the lock: completing runs the 503 answers, which must not hold up enqueue or the writer.
      for (Request r : late) {
        // If the writer has not taken it yet it is skipped; if it has, a retry will see a duplicate.
        r.done.completeExceptionally(RequestRejectedException.timedOut("the store did not confirm the events within "
            + limits.maxWait().toMillis() + " ms; retry: the event id makes retries safe"));
      }
      late.clear();
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
      // The last transactions' answers, then the sweeper.
      answers.shutdown();
      answers.awaitTermination(limits.maxWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // The sweeper ends once nothing is unanswered; a request the writer never answered (a store that
    // hangs) still gets its 503 at its deadline.
    lock.lock();
    try {
      sweepable.signal();
    } finally {
      lock.unlock();
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      // Daemon as the writer: close() stops them in order; a forgotten committer keeps no JVM alive.
      t.setDaemon(true);
      return t;
    };
  }

  /** @param deadline when to answer 503, in {@link System#nanoTime()} */
  private record Request(List<Event> events, CompletableFuture<List<AppendResult>> done, long deadline) {}
}
