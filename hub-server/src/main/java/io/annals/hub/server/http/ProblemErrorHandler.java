package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answers to what never reaches a route, as problem details like every other answer of
 * the hub: a request Jetty cannot parse or refuses (414 URI too long, 431 headers too large, 400
 * for a {@code %00} in the path or both Content-Length and Transfer-Encoding, 408 from
 * {@link HeaderDeadline}), and an error that escaped the application. Jetty's own {@link ErrorHandler} writes HTML pages for these.
 */
final class ProblemErrorHandler extends ErrorHandler {

  /** Seconds a client should wait after a 5xx that Jetty made: a passing lack of a resource, most likely. */
  static final int RETRY_AFTER_SECONDS = 2;

  private final EventJson json;

  ProblemErrorHandler(EventJson json) {
    this.json = json;
  }

  /** A request refused while it was parsed: there is no request object, only the status and Jetty's reason. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    if (HttpStatus.hasNoBody(status)) {
      return ByteBuffer.allocate(0);
    }
    fields.put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
    if (status >= 500) {
      fields.put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
    }
    return ByteBuffer.wrap(json.bytes(problem(status, reason)));
  }

  /** An error answered by Jetty once the request was parsed (sendError, or a throwable no handler caught). */
  @Override
  protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
      HttpServletResponse response, int code, String message) throws IOException {
    byte[] body = json.bytes(problem(code, code >= 500 ? null : message));
    response.setContentType(Problem.CONTENT_TYPE);
    if (code >= 500) {
      response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    baseRequest.setHandled(true);
  }

  /**
   * The problem for {@code status}; {@code reason} is Jetty's (e.g. "URI too long"), and is not
   * shown for a 5xx, whose reason may be an internal exception's message.
   */
  ObjectNode problem(int status, String reason) {
    String title = HttpStatus.getMessage(status);
    String detail = status >= 500 ? "the hub could not answer this request; retry later"
        : "the request was refused before it reached the hub's routes: "
            + (reason == null || reason.isBlank() ? title : reason);
    return Problem.of(json, status, slug(status), title, detail, List.of());
  }

  private static String slug(int status) {
    return switch (status) {
      case 400 -> "malformed-request";
      case 408 -> "request-timeout";
      case 414 -> "uri-too-long";
      case 431 -> "headers-too-large";
      default -> status >= 500 ? "server-error" : "refused-by-http-layer";
    };
  }
}
