package io.annals.hub.server.http;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.feed.FeedPage;
import io.annals.hub.server.feed.FeedService;
import io.annals.hub.server.feed.FeedWaiters;
import io.annals.hub.server.query.Cursor;
import io.annals.hub.server.store.Position;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * One {@code GET /feed/stream}: the feed as server-sent events. Each event is
 * {@code id: <cursor after it>} and {@code data: <envelope>}, so that a client reconnecting with
 * {@code Last-Event-ID} continues right after the last event it received, exactly once. Between
 * events it waits in {@link FeedWaiters} (no thread); a quiet stream gets a comment line every
 * keep-alive interval, which also tells the hub when the client has gone.
 */
final class FeedStream extends FeedWaiters.Waiter {

  /** Events written per delivery before the stream yields the worker to other waiters. */
  private static final int PAGES_PER_TURN = 10;
  private static final byte[] HELLO = ": annals feed\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BYE = ": the hub is stopping; reconnect with Last-Event-ID\n\n".getBytes(StandardCharsets.US_ASCII);

  private final ServletOutputStream out;
  private final FeedService feed;
  private final EventJson json;
  private final int limit;
  private final LongSupplier clock;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile ClientWatch watch;

  /** A stream whose first page, read before it began, is {@code first}. */
  FeedStream(ServletOutputStream out, String caller, Set<String> types, FeedPage first, int limit, long nowNanos,
      FeedService feed, EventJson json, LongSupplier clock) {
    super(caller, FeedWaiters.Kind.STREAM, types, first.next(), Long.MAX_VALUE, nowNanos);
    this.out = out;
    this.feed = feed;
    this.json = json;
    this.limit = limit;
    this.clock = clock;
    done.whenComplete((v, e) -> release());
  }

  /**
   * Commits the response with an opening comment and the first page; false (and ended) when the
   * client is already gone. A full first page is followed at once by the next ones (a signal).
   */
  boolean begin(FeedPage first) {
    try {
      out.write(HELLO);
      if (!first.events().isEmpty()) {
        write(first);
      }
      out.flush();
      return true;
    } catch (IOException e) {
      end();
      return false;
    }
  }

  CompletableFuture<Void> done() {
    return done;
  }

  @Override
  protected void deliver() {
    try {
      for (int turn = 0; turn < PAGES_PER_TURN && !ended.get(); turn++) {
        FeedPage page = feed.read(types(), cursor(), limit);
        if (!page.events().isEmpty()) {
          write(page);
        }
        advance(page.next());
        if (page.events().size() < limit) {
          return;
        }
      }
    } catch (IOException e) {
      end(); // the client is gone
    } catch (RuntimeException e) {
      // The store failed: say so on the stream and end it; the client reconnects with Last-Event-ID.
      try {
        out.write(("event: error\ndata: " + String.valueOf(e.getMessage()).replace('\n', ' ') + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException | RuntimeException ignored) {
        // gone as well
      }
      end();
    }
  }

  private void write(FeedPage page) throws IOException {
    for (StoredEvent e : page.events()) {
      out.write(("id: " + Cursor.of(new Position(e.receivedAt(), e.id())) + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
      out.write(json.bytes(e));
      out.write('\n');
      out.write('\n');
    }
    out.flush();
    wrote(clock.getAsLong());
  }

  @Override
  protected void expire() {
    // Streams have no deadline.
  }

  @Override
  protected void heartbeat() {
    try {
      out.write(KEEP_ALIVE);
      out.flush();
      wrote(clock.getAsLong());
    } catch (IOException | RuntimeException e) {
      end();
    }
  }

  @Override
  protected void shutdown() {
    try {
      out.write(BYE);
      out.flush();
    } catch (IOException | RuntimeException e) {
      // gone already
    }
    end();
  }

  /** Watches the client's connection; stopped when the stream ends, so that Jetty can read the connection again. */
  void watch(ClientWatch clientWatch) {
    this.watch = clientWatch;
    clientWatch.onGone(this::end);
  }

  /** Ends the stream (the response completes) and leaves the registry. */
  void end() {
    if (ended.compareAndSet(false, true)) {
      release();
      ClientWatch w = watch;
      if (w != null) {
        w.stop();
      }
      done.complete(null);
    }
  }
}
