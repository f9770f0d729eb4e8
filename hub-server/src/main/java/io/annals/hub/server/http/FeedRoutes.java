package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.feed.FeedLag;
import io.annals.hub.server.feed.FeedPage;
import io.annals.hub.server.feed.FeedService;
import io.annals.hub.server.query.Cursor;
import io.annals.hub.server.query.QueryParameters;
import io.annals.hub.server.store.Position;
import io.annals.hub.wire.FeedWire;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.annals.hub.server.config.DurationText;
import io.annals.hub.server.feed.FeedWaiters;
import io.annals.hub.server.feed.LiveFeedSettings;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /feed?types=&after=&limit=}: {@code {"events": [...], "next": cursor, "stable_until": time}},
 * where {@code next} is never null (see {@link io.annals.hub.server.feed.FeedService}); and
 * {@code GET /feed/lag?types=&after=}: {@code {"events": n, "oldest_received_at": time or null,
 * "stable_until": time}}. Asked for CloudEvents ({@code Accept}), the feed answers a CloudEvents
 * batch with {@code next} and {@code stable_until} in headers ({@link CloudEventsJson}).
 */
public final class FeedRoutes implements Routes {

  private static final String JSON = "application/json";
  private static final Set<String> FEED_PARAMETERS = Set.of("types", "after", "limit", "wait");
  private static final Set<String> STREAM_PARAMETERS = Set.of("types", "after", "limit");
  private static final int TOO_MANY_WAITERS_RETRY_SECONDS = 1;
  private static final Set<String> LAG_PARAMETERS = Set.of("types", "after");

  private final FeedService feed;
  private final EventJson json;
  private final FeedWaiters waiters;

  /** Serves the pages and lag of {@code feed}, without waiting (no {@code wait}, no stream). */
  public FeedRoutes(FeedService feed, EventJson json) {
    this(feed, json, null);
  }

  /** Serves the pages and lag of {@code feed}; long polls and streams wait in {@code waiters} (null: none). */
  public FeedRoutes(FeedService feed, EventJson json, FeedWaiters waiters) {
    this.feed = feed;
    this.json = json;
    this.waiters = waiters;
  }

  @Override
  public void register(Javalin app) {
    app.get("/feed", this::feed, Operation.FEED);
    app.get("/feed/stream", this::stream, Operation.FEED_STREAM);
    app.get("/feed/lag", this::lag, Operation.FEED_LAG);
  }

  private void feed(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), FEED_PARAMETERS);
    Set<String> types = p.types("types");
    Position after = p.position("after");
    int limit = p.limit();
    Duration wait = waitParameter(p);
    p.check();
    // Negotiated before the read, so a 406 costs no page (answer() asks again: the same answer).
    ctx.header("Vary", "Accept");
    CloudEventsJson.wantsBatch(ctx);
    FeedPage page = feed.read(types, after, limit);
    if (wait == null || wait.isZero() || !page.events().isEmpty() || waiters == null) {
      answer(ctx, page);
      return;
    }
    ClientWatch watch = ClientWatch.of(ctx, wait);
    LongPoll poll = new LongPoll(ctx, caller(ctx), types, page, limit, waiters.deadline(wait), waiters.nanoTime(), feed,
        watch, this::answer);
    if (refused(ctx, waiters.register(poll))) {
      watch.stop();
      return;
    }
    watch.onGone(poll::gone);
    ctx.future(poll::done);
    poll.ready();
  }

  /**
   * {@code GET /feed/stream?types=&after=&limit=} with {@code Last-Event-ID} (which wins over
   * {@code after}): the feed as server-sent events ({@link FeedStream}).
   */
  private void stream(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), STREAM_PARAMETERS);
    Set<String> types = p.types("types");
    Position after = p.position("after");
    String lastEventId = ctx.header("Last-Event-ID");
    if (lastEventId != null && !lastEventId.isBlank()) {
      QueryParameters id = new QueryParameters(java.util.Map.of("Last-Event-ID", List.of(lastEventId.trim())),
          Set.of("Last-Event-ID"));
      after = id.position("Last-Event-ID");
      id.check();
    }
    int limit = p.limit();
    p.check();
    if (waiters == null) {
      throw new io.javalin.http.NotFoundResponse("no live feed on this hub");
    }
    // The first page now: a store that does not answer is a 503 before the stream begins.
    FeedPage first = feed.read(types, after, limit);
    FeedStream stream;
    try {
      stream = new FeedStream(ctx.res().getOutputStream(), caller(ctx), types, first, limit, waiters.nanoTime(), feed, json,
          waiters::nanoTime);
    } catch (java.io.IOException e) {
      return; // the client is gone before the stream began
    }
    if (refused(ctx, waiters.register(stream))) {
      return;
    }
    ctx.status(200);
    ctx.res().setContentType("text/event-stream;charset=utf-8");
    ctx.header("Cache-Control", "no-cache");
    ctx.header("X-Accel-Buffering", "no");
    ClientWatch watch = ClientWatch.of(ctx, null);
    if (!stream.begin(first)) {
      return;
    }
    stream.watch(watch);
    ctx.future(stream::done);
    stream.ready();
  }

  /** Answers 429 (or 503 while stopping) when the registry refused a waiter; false when it took it. */
  private boolean refused(Context ctx, FeedWaiters.Refusal refusal) {
    if (refusal == null) {
      return false;
    }
    if (refusal == FeedWaiters.Refusal.CLOSED) {
      Problem.send(ctx, json, Problem.of(json, 503, "stopping", "The hub is stopping",
          "this hub instance is shutting down; ask another instance or retry", List.of()), TOO_MANY_WAITERS_RETRY_SECONDS);
      return true;
    }
    String bound = refusal == FeedWaiters.Refusal.TOTAL ? "HUB_FEED_MAX_WAITERS" : "HUB_FEED_MAX_WAITERS_PER_KEY";
    Problem.send(ctx, json, Problem.of(json, 429, "too-many-waiters", "Too many waiting consumers",
        "the hub holds as many waiting long polls and streams as it may (" + bound + "); retry later, or read without wait",
        List.of()), TOO_MANY_WAITERS_RETRY_SECONDS);
    return true;
  }

  /** Whom the per-caller bound counts: the API key's name, or the remote address without keys. */
  private static String caller(Context ctx) {
    io.annals.hub.server.auth.Principal principal = AccessFilter.principal(ctx);
    return principal == io.annals.hub.server.auth.Principal.unauthenticated() ? "address:" + ctx.ip() : "key:" + principal.name();
  }

  /** {@code wait}: a duration from 0 to {@link LiveFeedSettings#MAX_WAIT}, in {@link DurationText}'s grammar; null when absent. */
  private static Duration waitParameter(QueryParameters p) {
    String text = p.text("wait", 32);
    if (text == null) {
      return null;
    }
    Duration wait;
    try {
      wait = DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      p.reject("wait", e.getMessage() + "; expected " + DurationText.EXPECTED + ", at most 60s");
      return null;
    }
    if (wait.compareTo(LiveFeedSettings.MAX_WAIT) > 0) {
      p.reject("wait", "is " + wait.toMillis() + " ms; at most 60s");
      return null;
    }
    return wait;
  }

  private void answer(Context ctx, FeedPage page) {
    String next = page.next() == null ? Cursor.start() : Cursor.of(page.next());
    // The cursor and count in headers in either form, so a consumer can ask for the next page
    // before it has decoded this one (the SDK's FeedReader reads ahead): the hub reads while it decodes.
    ctx.header(FeedWire.EVENT_COUNT_HEADER, Integer.toString(page.events().size()));
    if (CloudEventsJson.wantsBatch(ctx)) {
      CloudEventsJson.sendBatch(ctx, json, page.events(), next, page.stableUntil());
      return;
    }
    ctx.header(FeedWire.NEXT_CURSOR_HEADER, next);
    ctx.header(FeedWire.STABLE_UNTIL_HEADER, EventJson.time(page.stableUntil()));
    ctx.status(200).contentType(JSON).result(json.page(page.events(), next, page.stableUntil()));
  }

  private void lag(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), LAG_PARAMETERS);
    Set<String> types = p.types("types");
    Position after = p.position("after");
    p.check();
    FeedLag lag = feed.lag(types, after);
    ObjectNode body = json.object();
    body.put(FeedWire.LAG_EVENTS, lag.events());
    if (lag.oldestReceivedAt() == null) {
      body.putNull(FeedWire.LAG_OLDEST_RECEIVED_AT);
    } else {
      body.put(FeedWire.LAG_OLDEST_RECEIVED_AT, EventJson.time(lag.oldestReceivedAt()));
    }
    body.put(FeedWire.STABLE_UNTIL, EventJson.time(lag.stableUntil()));
    ctx.status(200).contentType(JSON).result(json.bytes(body));
  }
}
