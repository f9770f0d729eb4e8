package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ingest.EventResult;
import io.annals.hub.server.ingest.FieldError;
import io.annals.hub.server.ingest.IngestResponse;
import io.annals.hub.server.ingest.IngestService;
import io.annals.hub.server.ingest.Submission;
import io.annals.hub.server.store.EventLog;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** {@code POST /events}, {@code POST /events/batch} and {@code GET /events/{id}}. */
public final class EventRoutes implements Routes {

  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
  private static final String JSON = "application/json";

  private final IngestService ingest;
  private final EventLog log;
  private final EventJson json;

  /** Ingests through {@code ingest}; reads single events from {@code log}. */
  public EventRoutes(IngestService ingest, EventLog log, EventJson json) {
    this.ingest = ingest;
    this.log = log;
    this.json = json;
  }

  @Override
  public void register(Javalin app) {
    app.post("/events", ctx -> post(ctx, false), Operation.INGEST);
    // The same ingestion, documented as its own operation so that generated clients have one
    // request and one answer shape per form (docs/decisions.md, issue 27).
    app.post("/events/batch", ctx -> post(ctx, true), Operation.INGEST_BATCH);
    app.get("/events/{id}", this::get, Operation.GET_EVENT);
  }

  /**
   * {@code asBatch}: answer with the results list even when the body was one event. The body is
   * read and validated here; the answer waits for the group commit without a thread (issue 29)
   * and goes out as {@link #answerAfterCommit} says. A failed commit (503) is answered by the error
   * mapping on the thread that failed it, a small problem written with a blocking write.
   */
  private void post(Context ctx, boolean asBatch) {
    CompletableFuture<IngestResponse> response = ingest.ingest(AccessFilter.principal(ctx), ctx.header("Content-Type"),
        ctx.req().getContentLengthLong(), RequestBody.of(ctx), cloudEventHeaders(ctx));
    if (response.isDone() && !response.isCompletedExceptionally()) {
      answer(ctx, asBatch, response.join()); // nothing to store: answered on this thread
      return;
    }
    ctx.future(() -> response.thenCompose(r -> answerAfterCommit(ctx, asBatch, r)));
  }

  /**
   * Runs on the group committer's answering thread, which serves every request and so must never
   * wait for one client: a created or duplicate single event (nearly every answer) goes out with
   * Jetty's non-blocking write, whatever the client's socket takes now; any other answer (a batch's
   * results, a problem, however large) is built and written on a Jetty thread, as before.
   */
  private CompletableFuture<Void> answerAfterCommit(Context ctx, boolean asBatch, IngestResponse response) {
    EventResult r = response.results().get(0);
    if (!asBatch && response.format() == Submission.Format.SINGLE
        && (r.outcome() == Outcome.CREATED || r.outcome() == Outcome.DUPLICATE)) {
      if (r.outcome() == Outcome.CREATED) {
        ctx.header("Location", "/events/" + r.id());
      }
      return sendWithoutBlocking(ctx, r.outcome() == Outcome.CREATED ? 201 : 200, json.bytes(r.stored()));
    }
    Request base = Request.getBaseRequest(ctx.req());
    return CompletableFuture.runAsync(() -> answer(ctx, asBatch, response), base.getHttpChannel().getConnector().getExecutor());
  }

  private void answer(Context ctx, boolean asBatch, IngestResponse response) {
    if (response.format() == Submission.Format.SINGLE && !asBatch) {
      single(ctx, json, response.results().get(0));
      return;
    }
    ObjectNode body = json.object();
    ArrayNode results = body.putArray("results");
    for (EventResult r : response.results()) {
      ObjectNode item = results.addObject();
      if (r.id() != null) {
        item.put("id", r.id());
      } else {
        item.putNull("id");
      }
      if (r.line() > 0) {
        item.put("line", r.line());
      }
      item.put("outcome", r.outcome().wireName());
      if (r.stored() != null) {
        item.put("received_at", EventJson.time(r.stored().receivedAt()));
      }
      if (!r.errors().isEmpty()) {
        ArrayNode errors = item.putArray("errors");
        for (FieldError e : r.errors()) {
          errors.addObject().put("pointer", e.pointer()).put("detail", e.detail());
        }
      }
    }
    ctx.status(200).contentType(JSON).result(json.bytes(body));
  }

  private static void single(Context ctx, EventJson json, EventResult r) {
    switch (r.outcome()) {
      case CREATED -> {
        ctx.header("Location", "/events/" + r.id());
        ctx.status(201).contentType(JSON).result(json.bytes(r.stored()));
      }
      case DUPLICATE -> ctx.status(200).contentType(JSON).result(json.bytes(r.stored()));
      case CONFLICT -> {
        // No stored event in the result: it belongs to a service this caller may not publish.
        ObjectNode p = Problem.of(json, 409, "conflict", "Conflict", "event " + r.id()
            + " is already stored with different content; stored events never change"
            + (r.stored() == null ? " (the stored event is of a service this API key may not publish, so it is not shown)" : ""),
            List.of());
        if (r.stored() != null) {
          p.set("stored", json.envelope(r.stored()));
        }
        p.set("submitted", json.envelope(r.submitted(), null));
        Problem.send(ctx, json, p, 0);
      }
      case QUARANTINED -> {
        // Accepted, not stored: kept aside until an admin releases it (202, not 201).
        ObjectNode body = json.object().put("id", r.id()).put("outcome", r.outcome().wireName());
        ArrayNode errors = body.putArray("errors");
        r.errors().forEach(e -> errors.addObject().put("pointer", e.pointer()).put("detail", e.detail()));
        ctx.status(202).contentType(JSON).result(json.bytes(body));
      }
      case INVALID -> Problem.send(ctx, json, Problem.of(json, 400, "invalid-event", "Invalid event",
          r.errors().size() + " field(s) of the event are invalid; see errors", r.errors()), 0);
      case FORBIDDEN -> Problem.send(ctx, json, Problem.of(json, 403, "forbidden-service", "Forbidden",
          "this API key may not publish events of the event's meta.service; nothing was stored", r.errors()), 0);
      default -> throw new IllegalStateException("unexpected outcome " + r.outcome());
    }
  }

  /**
   * The stored event as the whole answer, handed to Jetty to write without blocking; completes once
   * it is written (or the client is gone: its event is stored, and a retry is answered as a
   * duplicate). Not through {@code ctx.result}: Javalin would copy it with a new 32 KiB buffer and
   * ask its compression whether to gzip it, on every single-event answer (issue 29), and write it
   * with a blocking write on the answering thread.
   */
  private static CompletableFuture<Void> sendWithoutBlocking(Context ctx, int status, byte[] body) {
    HttpServletResponse res = ctx.res();
    res.setStatus(status);
    res.setContentType(JSON);
    res.setContentLength(body.length);
    CompletableFuture<Void> sent = new CompletableFuture<>();
    Request.getBaseRequest(ctx.req()).getResponse().getHttpOutput()
        .sendContent(ByteBuffer.wrap(body), Callback.from(() -> sent.complete(null), gone -> sent.complete(null)));
    return sent;
  }

  private void get(Context ctx) {
    String id = ctx.pathParam("id");
    if (!UUID.matcher(id).matches()) {
      throw new NotFoundResponse("no event with id " + abbreviate(id) + "; event ids are UUIDs");
    }
    StoredEvent stored = log.find(id.toLowerCase(Locale.ROOT))
        .orElseThrow(() -> new NotFoundResponse("no event with id " + id));
    // The answer depends on Accept (native or CloudEvents); caches must keep them apart.
    ctx.header("Vary", "Accept");
    if (CloudEventsJson.wantsStructured(ctx)) {
      CloudEventsJson.send(ctx, json, stored);
      return;
    }
    ctx.status(200).contentType(JSON).result(json.bytes(stored));
  }

  /** The {@code ce-*} headers (CloudEvents binary mode), names in lower case; empty for other requests. */
  private static Map<String, String> cloudEventHeaders(Context ctx) {
    // Straight from Jetty's fields: ctx.headerMap() copies every header into a map first, and the
    // servlet's getHeaderNames() builds a set of the names, a cost every native single-event
    // request paid for nothing (issue 29). As getHeader(name) did, the first field of a name counts.
    Map<String, String> ce = Map.of();
    for (HttpField field : Request.getBaseRequest(ctx.req()).getHttpFields()) {
      String name = field.getName();
      if (name.regionMatches(true, 0, "ce-", 0, 3)) {
        if (ce.isEmpty()) {
          ce = new TreeMap<>();
        }
        ce.putIfAbsent(name.toLowerCase(Locale.ROOT), field.getValue());
      }
    }
    return ce;
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }
}
