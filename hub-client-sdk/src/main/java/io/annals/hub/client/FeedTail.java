package io.annals.hub.client;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The feed followed as it grows ({@link FeedReader#tail}): {@link #next()} blocks until a page with
 * events is stable and returns it; the caller checkpoints {@link FeedPage#next()} of the pages it
 * applied. Long polls ({@code GET /feed?wait=}) hold no thread on the hub and answer as soon as an
 * event is stable. Not thread-safe, except {@link #close()}, which may be called from any thread.
 */
public final class FeedTail implements Iterator<FeedPage>, AutoCloseable {

  private final FeedReader reader;
  private final List<String> types;
  private final int limit;
  private final Duration wait;
  private volatile boolean closed;
  private String cursor;
  private FeedPage ready;

  FeedTail(FeedReader reader, String after, Collection<String> types, int limit, Duration wait) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.types = types == null ? List.of() : List.copyOf(types);
    this.limit = limit;
    this.wait = Objects.requireNonNull(wait, "wait");
    this.cursor = after;
  }

  /**
   * Blocks until a page with events is stable (true) or the tail is closed (false).
   *
   * @throws HubException when the hub answers an error or cannot be reached; the tail stays usable
   *     (call again to retry from the same cursor)
   */
  @Override
  public boolean hasNext() {
    while (ready == null && !closed) {
      FeedPage page = reader.read(cursor, types, limit, wait);
      cursor = page.next();
      if (!page.events().isEmpty()) {
        ready = page;
      }
    }
    return ready != null;
  }

  /** The next page with events; its {@code next} is the checkpoint once it is applied. */
  @Override
  public FeedPage next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the tail is closed");
    }
    FeedPage page = ready;
    ready = null;
    return page;
  }

  /**
   * Where the tail stands: the cursor after the last page read (the caller's checkpoint once applied).
   *
   * @return the cursor
   */
  public String cursor() {
    return cursor;
  }

  /**
   * Hands each page to {@code handler} until the tail is closed or the handler throws.
   *
   * @param handler what each page is given to
   */
  public void forEachPage(Consumer<FeedPage> handler) {
    while (hasNext()) {
      handler.accept(next());
    }
  }

  /** Stops the tail: {@link #hasNext()} answers false, at the latest when the long poll under way ends. */
  @Override
  public void close() {
    closed = true;
  }
}
