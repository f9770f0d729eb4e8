package io.annals.hub.server.http;

import io.annals.hub.server.feed.FeedPage;
import io.annals.hub.server.feed.FeedService;
import io.annals.hub.server.feed.FeedWaiters;
import io.javalin.http.Context;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A {@code GET /feed?wait=} whose first read found nothing: it waits in {@link FeedWaiters}, its
 * response suspended (no thread), and is answered with the first page that has events, or with the
 * page read when the wait ends, the client goes away, or the hub stops.
 */
final class LongPoll extends FeedWaiters.Waiter {

  private final Context ctx;
  private final FeedService feed;
  private final int limit;
  private final ClientWatch watch;
  private final BiConsumer<Context, FeedPage> answer;
  private final java.time.Instant stableUntil;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicBoolean answered = new AtomicBoolean();

  LongPoll(Context ctx, String caller, Set<String> types, FeedPage empty, int limit, long deadlineNanos, long nowNanos,
      FeedService feed, ClientWatch watch, BiConsumer<Context, FeedPage> answer) {
    super(caller, FeedWaiters.Kind.LONG_POLL, types, empty.next(), deadlineNanos, nowNanos);
    this.ctx = ctx;
    this.feed = feed;
    this.limit = limit;
    this.watch = watch;
    this.answer = answer;
    this.stableUntil = empty.stableUntil();
    // Cancelled by Javalin when Jetty reports the request failed (a timeout, a broken connection).
    done.whenComplete((v, e) -> release());
  }

  /** Completes when the answer is set on the context. */
  CompletableFuture<Void> done() {
    return done;
  }

  /**
   * The connection became readable: the client closed it, or sent more (a pipelined request). Leave
   * at once, answering the empty page at the cursor without reading the store (what a feed read
   * whose guard tripped answers): it goes nowhere when the client is gone, and is a valid page that
   * continues where the client stands when it is not. Completing without an answer sent a 200 with
   * an empty body, which a reader could not parse (seen in the freshness bench).
   */
  void gone() {
    if (answered.compareAndSet(false, true)) {
      release();
      watch.stop();
      try {
        answer.accept(ctx, new FeedPage(java.util.List.of(), cursor(), stableUntil));
      } finally {
        done.complete(null);
      }
    }
  }

  @Override
  protected void deliver() {
    FeedPage page = read();
    if (page == null) {
      return;
    }
    if (page.events().isEmpty()) {
      advance(page.next()); // an event of another type, or not yet below this instance's stable point
      return;
    }
    finish(page);
  }

  @Override
  protected void expire() {
    FeedPage page = read();
    if (page != null) {
      finish(page);
    }
  }

  @Override
  protected void heartbeat() {
    // Long polls have none: their wait is bounded.
  }

  @Override
  protected void shutdown() {
    expire();
  }

  private FeedPage read() {
    try {
      return feed.read(types(), cursor(), limit);
    } catch (RuntimeException e) {
      if (answered.compareAndSet(false, true)) {
        release();
        watch.stop();
        done.completeExceptionally(e); // mapped like any handler's exception (503 for the store)
      }
      return null;
    }
  }

  private void finish(FeedPage page) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    release();
    watch.stop();
    answer.accept(ctx, page);
    done.complete(null);
  }
}
