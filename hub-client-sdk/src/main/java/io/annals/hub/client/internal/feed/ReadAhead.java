package io.annals.hub.client.internal.feed;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * Feed pages asked for before anyone asked, keyed by their request ({@code /feed?...}). A few at
 * most: one per consumer that shares the reader; the oldest is dropped (its answer simply goes
 * unread) when more consumers than that follow the feed through one reader.
 */
public final class ReadAhead {

  private static final int SLOTS = 8;

  private final Map<String, CompletableFuture<HttpResponse<byte[]>>> pending = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<HttpResponse<byte[]>>> eldest) {
      return size() > SLOTS;
    }
  };

  /** Remembers the answer coming for {@code query}. */
  public synchronized void put(String query, CompletableFuture<HttpResponse<byte[]>> answer) {
    pending.put(query, answer);
  }

  /**
   * The answer read ahead for {@code query}, waiting for it if it is still coming, when it arrived
   * and {@code usable} accepts it; otherwise null (the caller asks afresh, so a failed or partial
   * read-ahead is never what a caller sees).
   */
  public HttpResponse<byte[]> take(String query, Predicate<HttpResponse<byte[]>> usable) {
    CompletableFuture<HttpResponse<byte[]>> answer;
    synchronized (this) {
      answer = pending.remove(query);
    }
    if (answer == null) {
      return null;
    }
    try {
      HttpResponse<byte[]> response = answer.get();
      return usable.test(response) ? response : null;
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
