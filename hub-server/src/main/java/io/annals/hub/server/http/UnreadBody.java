package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * Answers a request whose body the hub did not read (or not to its end): a denied request, a body
 * over the limit, a media type it does not take. Left alone, Jetty would read and discard the rest
 * of the body before sending the answer, for as long as the client keeps sending, so a client
 * streaming an endless body would hold a thread and never see its answer. Instead the rest is
 * discarded up to one more body limit: if the body ends within it the answer goes out normally and
 * the connection stays open (what a well-behaved client that sent a little too much expects);
 * otherwise the answer goes out at once with {@code Connection: close} and nothing more is read.
 * Memory stays bounded either way: discarded bytes pass through one small buffer.
 *
 * <p>A client that asked {@code Expect: 100-continue} has not sent its body yet: reading would make
 * Jetty send {@code 100 Continue} and invite the very body being refused, so nothing is read, and
 * the answer goes out at once with {@code Connection: close}.
 */
final class UnreadBody {

  private UnreadBody() {}

  /** Sends {@code problem} as {@link Problem#send} does, after dealing with the unread body. */
  static void answer(Context ctx, EventJson json, ObjectNode problem, int retryAfterSeconds, long maxBodyBytes) {
    if (discardRest(ctx, maxBodyBytes)) {
      Problem.send(ctx, json, problem, retryAfterSeconds);
    } else {
      Problem.sendAndClose(ctx, json, problem, retryAfterSeconds);
    }
  }

  /** Reads and drops what is left of the body, at most {@code limit} bytes; true when it ended. */
  private static boolean discardRest(Context ctx, long limit) {
    if (ctx.req().getContentLengthLong() > 2 * limit) {
      return false; // declared far too large: not worth reading any of it
    }
    String expect = ctx.header("Expect");
    if (expect != null && expect.trim().equalsIgnoreCase("100-continue")) {
      return false;
    }
    byte[] buffer = new byte[8192];
    long left = limit;
    try {
      InputStream body = ctx.req().getInputStream();
      while (left >= 0) {
        int n = body.read(buffer, 0, (int) Math.min(buffer.length, left + 1));
        if (n < 0) {
          return true;
        }
        left -= n;
      }
      return false;
    } catch (IOException | IllegalStateException e) {
      return false; // a broken or already consumed body: close rather than guess
    }
  }
}
