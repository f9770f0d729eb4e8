package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.ingest.FieldError;
import io.javalin.http.Context;
import java.util.List;

/**
 * RFC 9457 problem details: {@code type}, {@code title}, {@code status}, {@code detail}, and
 * {@code errors: [{pointer, detail}]} naming each bad field. Types are {@code urn:annals:problem:<slug>}
 * URNs: stable identifiers that clients can switch on, with nothing to host.
 */
final class Problem {

  static final String CONTENT_TYPE = "application/problem+json";

  private Problem() {}

  /** A problem document; add extension members to the returned node before sending. */
  static ObjectNode of(EventJson json, int status, String slug, String title, String detail, List<FieldError> errors) {
    ObjectNode p = json.object();
    p.put("type", slug == null ? "about:blank" : "urn:annals:problem:" + slug);
    p.put("title", title);
    p.put("status", status);
    p.put("detail", detail);
    if (!errors.isEmpty()) {
      ArrayNode list = p.putArray("errors");
      for (FieldError e : errors) {
        list.addObject().put("pointer", e.pointer()).put("detail", e.detail());
      }
    }
    return p;
  }

  /**
   * Sends {@code problem} at once, committed before the handler returns, with
   * {@code Connection: close}: for a request whose body is still arriving and will not be read
   * (see {@link UnreadBody}). Jetty then neither reads more of it nor keeps the connection.
   */
  static void sendAndClose(Context ctx, EventJson json, ObjectNode problem, int retryAfterSeconds) {
    if (retryAfterSeconds > 0) {
      ctx.header("Retry-After", Integer.toString(retryAfterSeconds));
    }
    byte[] body = json.bytes(problem);
    ctx.header("Connection", "close");
    ctx.status(problem.get("status").asInt());
    ctx.res().setContentType(CONTENT_TYPE);
    ctx.res().setContentLength(body.length);
    try {
      ctx.res().getOutputStream().write(body);
      ctx.res().flushBuffer();
    } catch (java.io.IOException e) {
      // The client is gone; there is nobody left to answer.
    }
  }

  /** Sends {@code problem} with its status and, when {@code retryAfterSeconds > 0}, {@code Retry-After}. */
  static void send(Context ctx, EventJson json, ObjectNode problem, int retryAfterSeconds) {
    if (retryAfterSeconds > 0) {
      ctx.header("Retry-After", Integer.toString(retryAfterSeconds));
    }
    ctx.status(problem.get("status").asInt()).contentType(CONTENT_TYPE).result(json.bytes(problem));
  }
}
