package io.annals.hub.server.http;

import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.query.Cursor;
import io.annals.hub.server.query.QueryParameters;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.Position;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /events} (filters, keyset pages in {@code (received_at, id)} order) and
 * {@code GET /aggregates/{aggregate_id}/events} (one aggregate's playback in {@code created_at}
 * order). Both answer {@code {"events": [...], "next": cursor or null}}; {@code next} is null when
 * the page was not full, i.e. nothing more matched when it was read. Asked for CloudEvents
 * ({@code Accept}), they answer a CloudEvents batch with the cursor in a header ({@link CloudEventsJson}).
 *
 * <p>These are queries over what is stored now: an event committed later may land before a cursor
 * already handed out. Tailing belongs to {@code GET /feed}, which never lets that happen.
 */
public final class QueryRoutes implements Routes {

  static final String AGGREGATE_PATH = "/aggregates/<aggregate_id>/events";
  private static final String JSON = "application/json";
  private static final Set<String> QUERY_PARAMETERS = Set.of(
      "type", "service", "aggregate_id", "correlation_id", "received_after", "received_before", "limit", "cursor");
  private static final Set<String> HISTORY_PARAMETERS = Set.of("as_of", "limit", "cursor");

  private final EventLog log;
  private final EventJson json;

  /** Reads from {@code log}. */
  public QueryRoutes(EventLog log, EventJson json) {
    this.log = log;
    this.json = json;
  }

  @Override
  public void register(Javalin app) {
    app.get("/events", this::query, Operation.QUERY_EVENTS);
    // <aggregate_id> may hold slashes, raw (payment/23) or encoded (payment%2F23).
    app.get(AGGREGATE_PATH, this::history, Operation.AGGREGATE_HISTORY);
  }

  private void query(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), QUERY_PARAMETERS);
    EventFilter filter = new EventFilter(
        p.text("type", QueryParameters.MAX_NAME),
        p.text("service", QueryParameters.MAX_NAME),
        p.text("aggregate_id", QueryParameters.MAX_ID),
        p.text("correlation_id", QueryParameters.MAX_ID),
        p.instant("received_after"),
        p.instant("received_before"));
    int limit = p.limit();
    Position after = p.position("cursor");
    p.check();
    List<StoredEvent> events = log.query(filter, after, limit);
    String next = null;
    if (events.size() == limit) {
      StoredEvent last = events.get(events.size() - 1);
      next = Cursor.of(new Position(last.receivedAt(), last.id()));
    }
    send(ctx, json, events, next);
  }

  private void history(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), HISTORY_PARAMETERS);
    String aggregateId = p.checkedText("aggregate_id", ctx.pathParam("aggregate_id"), QueryParameters.MAX_ID);
    Instant asOf = p.instant("as_of");
    int limit = p.limit();
    AggregatePosition after = p.aggregatePosition("cursor");
    p.check();
    List<StoredEvent> events = log.aggregateHistory(aggregateId, asOf, after, limit);
    String next = null;
    if (events.size() == limit) {
      StoredEvent last = events.get(events.size() - 1);
      next = Cursor.of(new AggregatePosition(last.event().createdAt(), last.receivedAt(), last.id()));
    }
    send(ctx, json, events, next);
  }

  private static void send(Context ctx, EventJson json, List<StoredEvent> events, String next) {
    ctx.header("Vary", "Accept");
    if (CloudEventsJson.wantsBatch(ctx)) {
      CloudEventsJson.sendBatch(ctx, json, events, next, null);
      return;
    }
    if (next != null) {
      ctx.header(CloudEventsJson.NEXT_HEADER, next);
    }
    ctx.status(200).contentType(JSON).result(json.page(events, next, null));
  }
}
