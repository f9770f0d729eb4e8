package io.annals.hub.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Feed pages asked for before anyone asked, keyed by their request ({@code /feed?...}). A few at
 * most: a couple per consumer that shares the reader; the oldest is dropped (its answer simply
 * goes unread) when more consumers than that follow the feed through one reader.
 */
final class ReadAhead {

  private static final int SLOTS = 8;

  /**
   * One page asked for: its status line and headers, which arrive first (they name the page after
   * it), and the whole answer.
   */
  record Answer(CompletableFuture<FeedHttp.Head> head, CompletableFuture<FeedHttp.Response> whole) {}

  private final Map<String, Answer> pending = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
      return size() > SLOTS;
    }
  };

  /** The answer coming for {@code query}, asking for it with {@code ask} unless it was asked for already. */
  synchronized Answer ask(String query, Supplier<Answer> ask) {
    return pending.computeIfAbsent(query, q -> ask.get());
  }

  /**
   * The answer read ahead for {@code query}, waiting for it if it is still coming, when it arrived
   * and {@code usable} accepts it; otherwise null (the caller asks afresh, so a failed or partial
   * read-ahead is never what a caller sees).
   */
  FeedHttp.Response take(String query, Predicate<FeedHttp.Response> usable) {
    Answer answer;
    synchronized (this) {
      answer = pending.remove(query);
    }
    if (answer == null) {
      return null;
    }
    try {
      FeedHttp.Response response = answer.whole().get();
      return usable.test(response) ? response : null;
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
