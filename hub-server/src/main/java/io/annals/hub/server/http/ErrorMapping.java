package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.ingest.RequestRejectedException;
import io.annals.hub.server.query.BadParametersException;
import io.annals.hub.server.query.ParameterError;
import io.annals.hub.server.store.StoreUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns exceptions into HTTP answers, all as RFC 9457 problem details. */
final class ErrorMapping {

  /** Seconds a client should wait after the store failed to answer. */
  static final int STORE_RETRY_AFTER_SECONDS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  private ErrorMapping() {}

  /** @param maxBodyBytes the body limit, which also bounds what is discarded of a refused body */
  static void register(Javalin app, EventJson json, long maxBodyBytes) {
    // A refused request may still be sending its body: see UnreadBody.
    app.exception(RequestRejectedException.class, (e, ctx) -> UnreadBody.answer(ctx, json,
        Problem.of(json, e.status(), e.problemType(), e.title(), e.getMessage(), e.errors()), e.retryAfterSeconds(),
        maxBodyBytes));
    app.exception(BadParametersException.class, (e, ctx) -> {
      ObjectNode p = Problem.of(json, 400, "invalid-parameter", "Invalid parameter", e.getMessage(), List.of());
      ArrayNode errors = p.putArray("errors");
      for (ParameterError error : e.errors()) {
        errors.addObject().put("parameter", error.parameter()).put("detail", error.detail());
      }
      Problem.send(ctx, json, p, 0);
    });
    app.exception(StoreUnavailableException.class, (e, ctx) -> {
      if (StoreProblems.loggedPerRequest(e)) {
        LOG.warn("store unavailable: {}", e.getMessage());
      }
      Problem.send(ctx, json, StoreProblems.of(json, e, "Store unavailable",
          "the event store did not answer; nothing was stored by this request that was not confirmed, retry later"),
          STORE_RETRY_AFTER_SECONDS);
    });
    app.exception(HttpResponseException.class, (e, ctx) -> Problem.send(ctx, json,
        Problem.of(json, e.getStatus(), e.getStatus() == 404 ? "not-found" : null, title(e.getStatus()),
            e.getMessage(), List.of()), 0));
    app.exception(Exception.class, (e, ctx) -> {
      // A genuine bug: every expected failure has a typed exception above.
      LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
      Problem.send(ctx, json, Problem.of(json, 500, "internal-error", "Internal error",
          "the hub failed unexpectedly; the error is logged", List.of()), 0);
    });
    // Javalin answers unmatched paths and its own errors without an exception; make them problems too.
    app.error(404, ctx -> {
      if (!isProblem(ctx.res().getContentType())) {
        Problem.send(ctx, json, Problem.of(json, 404, "not-found", "Not found",
            "no endpoint " + ctx.method() + " " + ctx.path(), List.of()), 0);
      }
    });
    app.error(405, ctx -> {
      if (!isProblem(ctx.res().getContentType())) {
        Problem.send(ctx, json, Problem.of(json, 405, null, "Method not allowed",
            ctx.method() + " is not allowed on " + ctx.path(), List.of()), 0);
      }
    });
  }

  private static boolean isProblem(String contentType) {
    return contentType != null && contentType.startsWith(Problem.CONTENT_TYPE);
  }

  private static String title(int status) {
    io.javalin.http.HttpStatus s = io.javalin.http.HttpStatus.forStatus(status);
    return s == io.javalin.http.HttpStatus.UNKNOWN ? "Error " + status : s.getMessage();
  }
}
