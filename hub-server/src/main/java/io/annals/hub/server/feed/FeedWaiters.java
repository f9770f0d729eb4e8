package io.annals.hub.server.feed;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.StoreUnavailableException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers waiting for the feed to move past their cursor: long polls ({@code GET /feed?wait=})
 * and event streams ({@code GET /feed/stream}). A waiter holds no thread: it is an entry here and
 * a suspended (asynchronous) HTTP response.
 *
 * <p>One checker thread looks at every waiter when {@link #signal()} says the stable point may
 * have moved (after each watermark publication and each commit of this instance, at most once per
 * {@link LiveFeedSettings#minCheckSpacing()}) and on a slow tick for deadlines and heartbeats. A check asks the
 * store once for the events below the stable point after the smallest waiting cursor
 * ({@link FeedService#newSince}), so its cost does not grow with the number of idle waiters: a
 * waiter with nothing of its types there only moves its cursor up to the stable point (which is
 * exactly what an empty page would have answered). A waiter that has something is handed to a
 * small worker pool, which reads its page and answers.
 *
 * <p>Bounded in total and per caller (API key, or remote address without keys); {@link #close()}
 * answers every waiter at once (an empty page, or the end of the stream), so that a graceful stop
 * does not wait for them.
 */
public final class FeedWaiters implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FeedWaiters.class);
  // Events fetched per check to tell which waiters have something; beyond this every waiter behind reads.
  private static final int PROBE = 512;
  private static final long TICK_MILLIS = 250;

  /** How a waiter is answered. */
  public enum Kind { LONG_POLL, STREAM }

  /** Why {@link #register} refused a waiter. */
  public enum Refusal { TOTAL, PER_CALLER, CLOSED }

  private final FeedService feed;
  private final LiveFeedSettings settings;
  private final LongSupplier nanoTime;
  private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> perCaller = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final Map<Kind, AtomicInteger> byKind = Map.of(Kind.LONG_POLL, new AtomicInteger(), Kind.STREAM, new AtomicInteger());
  private final AtomicBoolean checkPending = new AtomicBoolean();
  private final ScheduledExecutorService checker;
  private final ExecutorService workers;
  private volatile boolean closed;
  private volatile long lastCheckNanos;

  /**
   * @param nanoTime a monotonic clock for the waiters' deadlines, heartbeats and check spacing,
   *     {@code System::nanoTime} outside tests ({@link #close(long)} times itself on the machine's)
   */
  public FeedWaiters(FeedService feed, LiveFeedSettings settings, MeterRegistry registry, LongSupplier nanoTime) {
    this.feed = Objects.requireNonNull(feed, "feed");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.checker = Executors.newSingleThreadScheduledExecutor(daemon("annals-feed-waiters"));
    this.workers = Executors.newFixedThreadPool(settings.workers(), daemon("annals-feed-answer"));
    for (Kind kind : Kind.values()) {
      Gauge.builder("annals.hub.feed.waiters", byKind.get(kind), AtomicInteger::get)
          .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
          .description("consumers waiting now for the feed: long polls and event streams")
          .register(registry);
    }
    checker.scheduleWithFixedDelay(this::checkQuietly, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Adds {@code waiter}; null when added, else why not. The caller answers a refusal with 429, or
   * 503 when closed.
   */
  public Refusal register(Waiter waiter) {
    if (closed) {
      return Refusal.CLOSED;
    }
    if (total.incrementAndGet() > settings.maxWaiters()) {
      total.decrementAndGet();
      return Refusal.TOTAL;
    }
    AtomicInteger mine = perCaller.computeIfAbsent(waiter.caller, k -> new AtomicInteger());
    if (mine.incrementAndGet() > settings.maxWaitersPerCaller()) {
      mine.decrementAndGet();
      total.decrementAndGet();
      return Refusal.PER_CALLER;
    }
    byKind.get(waiter.kind).incrementAndGet();
    waiter.registry = this;
    waiters.add(waiter);
    return null;
  }

  /** Waiters now, of either kind. */
  public int size() {
    return total.get();
  }

  /** Waiters of {@code kind} now. */
  public int size(Kind kind) {
    return byKind.get(kind).get();
  }

  /** The stable point may have moved: check the waiters soon (coalesced, spaced). */
  public void signal() {
    if (waiters.isEmpty() || closed || !checkPending.compareAndSet(false, true)) {
      return;
    }
    long wait = lastCheckNanos + settings.minCheckSpacing().toNanos() - nanoTime.getAsLong();
    try {
      checker.schedule(this::checkQuietly, Math.max(0, wait), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      checkPending.set(false); // closing
    }
  }

  private void checkQuietly() {
    checkPending.set(false);
    lastCheckNanos = nanoTime.getAsLong();
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warn("checking the feed's waiters failed; trying again at the next signal: {}", e.toString());
    }
  }

  private void check() {
    if (waiters.isEmpty()) {
      return;
    }
    long now = nanoTime.getAsLong();
    // Only the waiters idle now, and the probe from the smallest of their cursors: a waiter that
    // becomes ready after this point may stand before that cursor, and waits for the next check.
    List<Waiter> idle = new ArrayList<>();
    Position from = null;
    for (Waiter w : waiters) {
      if (!w.busy.get()) {
        if (idle.isEmpty() || FeedService.ORDER.compare(w.cursor, from) < 0) {
          from = w.cursor;
        }
        idle.add(w);
      }
    }
    FeedService.Newly newly = null;
    if (!idle.isEmpty()) {
      try {
        newly = feed.newSince(from, PROBE);
      } catch (StoreUnavailableException e) {
        // Deadlines and heartbeats still run; the next check asks again.
      }
    }
    for (Waiter w : idle) {
      if (newly != null && hasSomething(newly, w)) {
        dispatch(w, w::deliver);
      } else if (now - w.deadlineNanos >= 0) {
        dispatch(w, w::expire);
      } else {
        if (newly != null && newly.complete()) {
          w.advance(new Position(newly.stable(), ""));
        }
        if (w.kind == Kind.STREAM && now - w.lastWriteNanos >= settings.keepAlive().toNanos()) {
          dispatch(w, w::heartbeat);
        }
      }
    }
  }

  private static boolean hasSomething(FeedService.Newly newly, Waiter w) {
    if (!FeedService.before(w.cursor, newly.stable())) {
      return false;
    }
    if (!newly.complete()) {
      return true; // more than the probe saw: let it read
    }
    for (StoredEvent e : newly.events()) {
      if (FeedService.ORDER.compare(new Position(e.receivedAt(), e.id()), w.cursor) > 0
          && (w.types.isEmpty() || w.types.contains(e.event().type()))) {
        return true;
      }
    }
    return false;
  }

  private void dispatch(Waiter w, Runnable task) {
    if (!w.busy.compareAndSet(false, true)) {
      return;
    }
    try {
      workers.execute(() -> {
        try {
          task.run();
          if (closed && w.waiting()) {
            w.shutdown(); // the hub began to stop while this waiter was busy
          }
        } catch (RuntimeException e) {
          LOG.warn("answering a feed waiter failed: {}", e.toString());
          w.release();
        } finally {
          w.busy.set(false);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      w.busy.set(false);
    }
  }

  private void remove(Waiter w) {
    if (waiters.remove(w)) {
      total.decrementAndGet();
      byKind.get(w.kind).decrementAndGet();
      AtomicInteger mine = perCaller.get(w.caller);
      if (mine != null && mine.decrementAndGet() == 0) {
        perCaller.remove(w.caller, mine);
      }
    }
  }

  /**
   * Answers every waiter now (long polls an empty page, streams their end) and stops; returns once
   * they are answered or {@code timeoutMillis} passed.
   */
  public void close(long timeoutMillis) {
    closed = true;
    checker.shutdownNow();
    for (Waiter w : waiters) {
      dispatch(w, w::shutdown); // one busy with a delivery is answered when that ends (see dispatch)
    }
    // The stop's own deadline is on the machine's monotonic clock, not the registry's: that one
    // times the waiters and may be a test's that stands still, and a stop must end.
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    try {
      while (!waiters.isEmpty() && System.nanoTime() - end < 0) {
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!waiters.isEmpty()) {
      LOG.warn("{} feed waiters were not answered within {} ms of the stop", waiters.size(), timeoutMillis);
    }
    workers.shutdownNow();
  }

  @Override
  public void close() {
    close(5_000);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * One waiting consumer. The HTTP layer says how to answer it; the registry says when. Its methods
   * are called on the registry's worker pool, one at a time per waiter.
   */
  public abstract static class Waiter {
    final String caller;
    final Kind kind;
    final Set<String> types;
    final long deadlineNanos;
    // Busy until ready(): the HTTP layer finishes setting up its response before the registry may answer it.
    final AtomicBoolean busy = new AtomicBoolean(true);
    volatile Position cursor;
    volatile long lastWriteNanos;
    private volatile FeedWaiters registry;

    /**
     * @param caller whom the per-caller bound counts this waiter against
     * @param cursor where it waits from: the {@code next} of the empty page it was answered (never null)
     * @param deadlineNanos on the registry's clock, when a long poll ends empty
     */
    protected Waiter(String caller, Kind kind, Set<String> types, Position cursor, long deadlineNanos, long nowNanos) {
      this.caller = Objects.requireNonNull(caller, "caller");
      this.kind = Objects.requireNonNull(kind, "kind");
      this.types = Set.copyOf(types);
      this.cursor = Objects.requireNonNull(cursor, "cursor");
      this.deadlineNanos = deadlineNanos;
      this.lastWriteNanos = nowNanos;
    }

    /** Its response is set up: the registry may answer it from now on. */
    public void ready() {
      busy.set(false);
      FeedWaiters r = registry;
      if (r != null && r.closed) {
        r.dispatch(this, this::shutdown);
      } else if (r != null) {
        r.signal();
      }
    }

    /** Where the consumer stands now. */
    public Position cursor() {
      return cursor;
    }

    /** Moves the cursor forward (never back) to {@code next}. */
    public void advance(Position next) {
      if (next != null && FeedService.ORDER.compare(next, cursor) > 0) {
        cursor = next;
      }
    }

    /** The types it waits for; empty = all. */
    public Set<String> types() {
      return types;
    }

    /** A stream wrote to its client now (an event or a heartbeat). */
    protected void wrote(long nowNanos) {
      lastWriteNanos = nowNanos;
    }

    /** Leaves the registry (answered, gone, or failed); later calls do nothing. */
    public void release() {
      FeedWaiters r = registry;
      if (r != null) {
        r.remove(this);
      }
    }

    /** Whether the registry still holds it. */
    public boolean waiting() {
      FeedWaiters r = registry;
      return r != null && r.waiters.contains(this);
    }

    /** Something of its types may be visible after its cursor: read and answer, or keep waiting. */
    protected abstract void deliver();

    /** The long poll's wait is over: answer the empty page at the cursor. */
    protected abstract void expire();

    /** A stream has been quiet for the heartbeat interval: write a comment (and learn whether the client is still there). */
    protected abstract void heartbeat();

    /** The hub is stopping: answer now. */
    protected abstract void shutdown();
  }

  /** What the hub's time says a waiter's deadline is. */
  public long deadline(java.time.Duration wait) {
    return nanoTime.getAsLong() + wait.toNanos();
  }

  /** The registry's monotonic clock now. */
  public long nanoTime() {
    return nanoTime.getAsLong();
  }
}
