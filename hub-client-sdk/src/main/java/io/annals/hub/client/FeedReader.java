package io.annals.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.client.internal.delivery.Json;
import io.annals.hub.wire.FeedWire;
import io.annals.hub.wire.WireTime;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the hub's projection feed ({@code GET /feed}) page by page. Following {@code next}
 * cursors yields every acknowledged event of the requested types exactly once, in
 * {@code (received_at, id)} order. Thread-safe; holds no cursor itself (the caller checkpoints it).
 */
public final class FeedReader {

  /**
   * How many pages the reader keeps asked for beyond the one a caller just read. Two, so that
   * the hub reads page n+2 while this side receives page n+1 and the caller applies page n: with
   * one, the hub waited for each page to be received before it was asked for the next (docs/decisions.md).
   */
  private static final int PAGES_AHEAD = 2;

  /** Kept between a long poll's {@code wait} and the request timeout, so the hub answers before the reader gives up. */
  private static final Duration WAIT_MARGIN = Duration.ofSeconds(5);
  /** The longest {@code wait} the hub accepts. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);

  private final URI hub;
  private final FeedHttp http;
  private final Duration timeout;
  private final ReadAhead readAhead = new ReadAhead();

  private FeedReader(URI hub, String apiKey, Duration timeout) {
    this.hub = hub;
    this.timeout = timeout;
    this.http = new FeedHttp(hub, apiKey, timeout);
  }

  /**
   * A reader of the hub at {@code hubUrl} (e.g. {@code http://localhost:8080}) whose requests may
   * take 30 s each; {@code apiKey} (a reader's or admin's) may be null when the hub needs none.
   *
   * @param hubUrl the hub's base URL
   * @param apiKey the API key, or null
   * @return a reader
   * @throws IllegalArgumentException when {@code hubUrl} is not an absolute URL
   */
  public static FeedReader of(String hubUrl, String apiKey) {
    return of(hubUrl, apiKey, Duration.ofSeconds(30));
  }

  /**
   * A reader of the hub at {@code hubUrl} whose requests may take {@code timeout} each (to connect,
   * and between bytes of the answer); {@code apiKey} may be null.
   *
   * @param hubUrl the hub's base URL
   * @param apiKey the API key, or null
   * @param timeout the limit for each request
   * @return a reader
   * @throws IllegalArgumentException when {@code hubUrl} is not an absolute URL
   */
  public static FeedReader of(String hubUrl, String apiKey, Duration timeout) {
    Objects.requireNonNull(hubUrl, "hubUrl");
    String base = hubUrl.endsWith("/") ? hubUrl.substring(0, hubUrl.length() - 1) : hubUrl;
    URI uri = URI.create(base);
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("hub URL must be absolute, like http://host:8080, was: " + hubUrl);
    }
    return new FeedReader(uri, apiKey, timeout);
  }

  /**
   * Reads the page after {@code after} (null = from the beginning of history) holding at most
   * {@code limit} events whose type is in {@code types} (empty = every type).
   *
   * <p>Reads ahead: when the hub answers a full page, its headers name the next page's cursor,
   * and this reader asks for that page at once, and for the one after it as soon as that page's
   * headers show it full, so the hub reads the pages ahead while the caller decodes and applies
   * this one. The next call for exactly such a page takes the answer read ahead, if it was a full
   * page (a full page below the stable point never changes); otherwise, and for any other call,
   * it asks the hub afresh. A caller that stops following leaves up to two answers unused.
   *
   * @param after the cursor of the previous page, or null
   * @param types the event types to read, or empty for all
   * @param limit the most events in the page
   * @return the page, with the cursor of the next
   * @throws HubException when the hub answers an error or cannot be reached
   */
  public FeedPage read(String after, Collection<String> types, int limit) {
    return read(after, types, limit, Duration.ZERO);
  }

  /**
   * As {@link #read(String, Collection, int)}, but when nothing is available after {@code after} the
   * hub holds the answer until an event of {@code types} is stable, or for {@code wait} (a long poll,
   * {@code GET /feed?wait=}); then the page is empty and its {@code next} is where to ask again.
   * {@code wait} is cut to {@link #MAX_WAIT} and to 5 s less than this reader's request timeout.
   *
   * @param after the cursor to read after ({@code null}: from the start)
   * @param types the event types to read (empty: all)
   * @param limit the largest number of events a page holds
   * @param wait how long the hub may hold an empty answer
   * @return the page: events, or none when {@code wait} passed without one
   * @throws HubException when the hub answers an error or cannot be reached
   */
  public FeedPage read(String after, Collection<String> types, int limit, Duration wait) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was: " + limit);
    }
    String query = feedQuery(after, types, limit);
    // A full page read ahead never changes: it serves a long poll as well as a plain read.
    FeedHttp.Response response = readAhead.take(query, r -> fullPage(r.head(), limit));
    if (response == null) {
      Duration longest = timeout.minus(WAIT_MARGIN);
      Duration w = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
      w = w.compareTo(longest) > 0 ? longest : w;
      response = send(w.isNegative() || w.isZero() ? query : query + "&wait=" + w.toMillis() + "ms");
    }
    byte[] body = checked(query, response);
    readAhead(response.head(), types, limit, PAGES_AHEAD);
    try {
      return FeedJson.page(body);
    } catch (IOException | RuntimeException e) {
      throw new HubException("unreadable feed page: " + e.getMessage(), 200, false, e);
    }
  }

  /**
   * Follows the feed from {@code after} as it grows: a blocking iterator of the pages that hold
   * events, each read with a long poll of {@code wait}, so that a page arrives as soon as its events
   * are stable and an idle feed costs one request per {@code wait}. Close it (from any thread) to stop:
   * {@code hasNext()} then answers false, at the latest when the long poll under way ends.
   *
   * @param after the cursor to read after ({@code null}: from the start)
   * @param types the event types to read (empty: all)
   * @param limit the largest number of events a page holds
   * @param wait how long the hub may hold an empty answer
   * @return the tail, open until closed
   */
  public FeedTail tail(String after, Collection<String> types, int limit, Duration wait) {
    return new FeedTail(this, after, types, limit, wait);
  }

  /**
   * When the answer with these headers is a full page, asks for the page its cursor names (unless
   * asked for already) and, {@code pages} deep, for the pages after that one as their headers arrive.
   */
  private void readAhead(FeedHttp.Head head, Collection<String> types, int limit, int pages) {
    Optional<String> next = head.header(FeedWire.NEXT_CURSOR_HEADER);
    if (pages < 1 || next.isEmpty() || !fullPage(head, limit)) {
      return;
    }
    String following = feedQuery(next.get(), types, limit);
    ReadAhead.Answer answer = readAhead.ask(following, () -> http.getAhead(following));
    answer.head().thenAccept(h -> readAhead(h, types, limit, pages - 1));
  }

  private static String feedQuery(String after, Collection<String> types, int limit) {
    StringBuilder query = new StringBuilder("/feed?limit=").append(limit);
    if (types != null && !types.isEmpty()) {
      query.append("&types=").append(encode(String.join(",", types)));
    }
    if (after != null) {
      query.append("&after=").append(encode(after));
    }
    return query.toString();
  }

  /** True when the answer is a feed page holding {@code limit} events (by its count header). */
  private static boolean fullPage(FeedHttp.Head head, int limit) {
    if (head.status() != 200) {
      return false;
    }
    try {
      return head.header(FeedWire.EVENT_COUNT_HEADER).map(Integer::parseInt).orElse(0) >= limit;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private FeedHttp.Response send(String pathAndQuery) {
    try {
      return http.get(pathAndQuery);
    } catch (IOException e) {
      throw new HubException("hub " + hub + " unreachable: " + e, 0, true, e);
    }
  }

  private static byte[] checked(String pathAndQuery, FeedHttp.Response response) {
    if (response.head().status() != 200) {
      int status = response.head().status();
      boolean retryable = status == 429 || status >= 500;
      throw new HubException(
          "GET " + pathAndQuery + " answered " + status + ": " + new String(response.body(), StandardCharsets.UTF_8),
          status, retryable, null);
    }
    return response.body();
  }

  /**
   * Asks the hub how many events of {@code types} (empty = all) lie after {@code after} (null =
   * the beginning) and below its stable point ({@code GET /feed/lag}).
   *
   * @param after the cursor read up to, or null
   * @param types the event types counted, or empty for all
   * @return the events and time the reader is behind
   * @throws HubException when the hub answers an error or cannot be reached
   */
  public FeedLag lag(String after, Collection<String> types) {
    StringBuilder query = new StringBuilder("/feed/lag?");
    if (types != null && !types.isEmpty()) {
      query.append("types=").append(encode(String.join(",", types))).append('&');
    }
    if (after != null) {
      query.append("after=").append(encode(after));
    }
    byte[] body = checked(query.toString(), send(query.toString()));
    try {
      JsonNode root = Json.READER.readTree(body);
      return new FeedLag(root.path(FeedWire.LAG_EVENTS).asLong(), time(root, FeedWire.LAG_OLDEST_RECEIVED_AT),
          time(root, FeedWire.STABLE_UNTIL));
    } catch (IOException | RuntimeException e) {
      throw new HubException("unreadable feed lag: " + e.getMessage(), 200, false, e);
    }
  }

  /** The time at member {@code name} of {@code node}; null when it is absent or not text. */
  private static Instant time(JsonNode node, String name) {
    JsonNode value = node.path(name);
    return value.isTextual() ? WireTime.parse(value.asText()) : null;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
