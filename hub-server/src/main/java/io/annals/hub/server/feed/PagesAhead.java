package io.annals.hub.server.feed;

import io.annals.hub.server.store.Position;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Feed pages read before they are asked for: after the hub answers a full page, a consumer
 * following the feed asks next for the page after its last event, so one background thread reads
 * that page from the store while the answer is still being written and received. Without it the
 * hub reads, writes and sends one page after another on one core, each step waiting for the last.
 *
 * <p>Only full pages are kept: a full page lies wholly below the stable point it was read under,
 * and nothing can appear below a stable point later, so it is exactly the page a read now would
 * return. A page read ahead that is not full, or whose read failed, is dropped and read afresh.
 * A handful at most (one per consumer being followed); the oldest is dropped first. The thread
 * ends when idle, so an idle hub holds nothing.
 */
final class PagesAhead {

  private static final int SLOTS = 8;

  private record Key(Set<String> types, Position after, int limit) {}

  private final Map<Key, CompletableFuture<FeedPage>> pages = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<FeedPage>> eldest) {
      return size() > SLOTS;
    }
  };
  private final ThreadPoolExecutor reader;
  private long served; // guarded by this

  PagesAhead() {
    reader = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SLOTS), runnable -> {
      Thread thread = new Thread(runnable, "annals-feed-read-ahead");
      thread.setDaemon(true);
      return thread;
    });
    reader.allowCoreThreadTimeOut(true);
  }

  /** Starts reading the page of {@code types} after {@code after} with {@code read}, unless it is being read already. */
  void readAhead(Set<String> types, Position after, int limit, Supplier<FeedPage> read) {
    Key key = new Key(Set.copyOf(types), after, limit);
    CompletableFuture<FeedPage> page;
    synchronized (this) {
      if (pages.containsKey(key)) {
        return;
      }
      page = new CompletableFuture<>();
      pages.put(key, page);
    }
    try {
      reader.execute(() -> {
        try {
          page.complete(read.get());
        } catch (RuntimeException e) {
          page.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      // More pages waiting than slots: this one is simply read when asked for.
      synchronized (this) {
        pages.remove(key, page);
      }
    }
  }

  /** How many pages read ahead were served (for tests). */
  synchronized long served() {
    return served;
  }

  /**
   * The full page of {@code types} after {@code after} read ahead, waiting for its read if it is
   * under way; null when there is none, or it is not full, or its read failed.
   */
  FeedPage take(Set<String> types, Position after, int limit) {
    CompletableFuture<FeedPage> page;
    synchronized (this) {
      page = pages.remove(new Key(Set.copyOf(types), after, limit));
    }
    if (page == null) {
      return null;
    }
    try {
      FeedPage read = page.get();
      if (read.events().size() != limit) {
        return null;
      }
      synchronized (this) {
        served++;
      }
      return read;
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
