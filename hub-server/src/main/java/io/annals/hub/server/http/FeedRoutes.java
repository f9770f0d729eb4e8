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
  private static final Set<String> FEED_PARAMETERS = Set.of("types", "after", "limit");
  private static final Set<String> LAG_PARAMETERS = Set.of("types", "after");

  private final FeedService feed;
  private final EventJson json;

  /** Serves the pages and lag of {@code feed}. */
  public FeedRoutes(FeedService feed, EventJson json) {
    this.feed = feed;
    this.json = json;
  }

  @Override
  public void register(Javalin app) {
    app.get("/feed", this::feed, Operation.FEED);
    app.get("/feed/lag", this::lag, Operation.FEED_LAG);
  }

  private void feed(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), FEED_PARAMETERS);
    Set<String> types = p.types("types");
    Position after = p.position("after");
    int limit = p.limit();
    p.check();
    // Negotiated before the read, so a 406 costs no page.
    ctx.header("Vary", "Accept");
    boolean cloudEvents = CloudEventsJson.wantsBatch(ctx);
    FeedPage page = feed.read(types, after, limit);
    String next = page.next() == null ? Cursor.start() : Cursor.of(page.next());
    // The cursor and count in headers in either form, so a consumer can ask for the next page
    // before it has decoded this one (the SDK's FeedReader reads ahead): the hub reads while it decodes.
    ctx.header(FeedWire.EVENT_COUNT_HEADER, Integer.toString(page.events().size()));
    if (cloudEvents) {
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
