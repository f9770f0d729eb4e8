package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.erasure.ErasureRequest;
import io.annals.hub.server.erasure.ErasureRequestException;
import io.annals.hub.server.erasure.ErasureService;
import io.annals.hub.server.query.Cursor;
import io.annals.hub.server.query.QueryParameters;
import io.annals.hub.server.store.ErasureRecord;
import io.annals.hub.server.store.Position;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /erasures}, {@code GET /erasures}, {@code GET /erasures/{id}} (admin only; README,
 * "Erasure of personal data"). The record's JSON shape is stable: exports carry it and imports post
 * it back.
 */
public final class ErasureRoutes implements Routes {

  private static final String JSON_TYPE = "application/json";
  private static final ObjectMapper READER = new ObjectMapper();
  private static final Set<String> LIST_PARAMETERS = Set.of("limit", "cursor");

  private final ErasureService erasures;
  private final EventJson json;

  public ErasureRoutes(ErasureService erasures, EventJson json) {
    this.erasures = erasures;
    this.json = json;
  }

  @Override
  public void register(Javalin app) {
    app.post("/erasures", this::post, Operation.ERASE);
    app.get("/erasures", this::list, Operation.LIST_ERASURES);
    app.get("/erasures/{id}", this::get, Operation.GET_ERASURE);
    app.exception(ErasureRequestException.class, (e, ctx) -> Problem.send(ctx, json,
        Problem.of(json, 400, "invalid-erasure", "Invalid erasure request", e.getMessage(), e.errors()), 0));
  }

  private void post(Context ctx) {
    JsonNode body;
    try {
      body = READER.readTree(ctx.bodyInputStream());
    } catch (IOException e) {
      throw new ErasureRequestException("", "the body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    ErasureService.Outcome outcome = erasures.erase(ErasureRequest.parse(body), AccessFilter.principal(ctx));
    ObjectNode answer = record(outcome.record());
    array(answer.putArray("applied_to"), outcome.applied());
    array(answer.putArray("pending"), outcome.pending());
    ctx.status(outcome.created() ? 201 : 200).contentType(JSON_TYPE).result(json.bytes(answer));
  }

  private void list(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), LIST_PARAMETERS);
    int limit = p.limit();
    Position cursor = p.position("cursor");
    p.check();
    List<ErasureRecord> page = erasures.list(cursor == null ? null : new ErasureRecord.Position(cursor.receivedAt(), cursor.id()), limit);
    ObjectNode answer = json.object();
    ArrayNode list = answer.putArray("erasures");
    page.forEach(r -> list.add(record(r)));
    if (page.size() == limit) {
      ErasureRecord last = page.get(page.size() - 1);
      answer.put("next", Cursor.of(new Position(last.requestedAt(), last.erasureId())));
    } else {
      answer.putNull("next");
    }
    ctx.status(200).contentType(JSON_TYPE).result(json.bytes(answer));
  }

  private void get(Context ctx) {
    String id = ctx.pathParam("id");
    ErasureRecord r = erasures.find(id).orElseThrow(() -> new NotFoundResponse("no erasure with id "
        + (id.length() > 100 ? id.substring(0, 100) + "…" : id)));
    ctx.status(200).contentType(JSON_TYPE).result(json.bytes(record(r)));
  }

  /** The stable shape of an erasure record (GET /erasures, exports). */
  private ObjectNode record(ErasureRecord r) {
    ObjectNode o = json.object();
    o.put("erasure_id", r.erasureId());
    o.put("requested_at", EventJson.time(r.requestedAt()));
    o.put("requested_by", r.requestedBy());
    o.put("reason", r.reason());
    if (r.pointers() == null) {
      o.putNull("pointers");
    } else {
      array(o.putArray("pointers"), r.pointers());
    }
    array(o.putArray("event_ids"), r.eventIds());
    return o;
  }

  private static void array(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
