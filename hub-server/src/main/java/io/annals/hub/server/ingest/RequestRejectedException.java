package io.annals.hub.server.ingest;

import java.util.List;

/**
 * A request the hub refuses as a whole, storing nothing: unreadable (400), too large (413), of an
 * unsupported media type (415), overloaded (429), busy or not answered in time (503). It carries the
 * HTTP status, a problem type, and how many seconds a client should wait before retrying (0 when
 * retrying the same request cannot help).
 */
public final class RequestRejectedException extends RuntimeException {

  private final int status;
  private final String problemType;
  private final String title;
  private final int retryAfterSeconds;
  private final List<FieldError> errors;

  private RequestRejectedException(int status, String problemType, String title, String detail,
      int retryAfterSeconds, List<FieldError> errors) {
    super(detail);
    this.status = status;
    this.problemType = problemType;
    this.title = title;
    this.retryAfterSeconds = retryAfterSeconds;
    this.errors = List.copyOf(errors);
  }

  public static RequestRejectedException unreadable(String detail) {
    return new RequestRejectedException(400, "unreadable-request", "Unreadable request", detail, 0, List.of());
  }

  public static RequestRejectedException unreadable(String detail, FieldError where) {
    return new RequestRejectedException(400, "unreadable-request", "Unreadable request", detail, 0, List.of(where));
  }

  public static RequestRejectedException tooLarge(String detail) {
    return new RequestRejectedException(413, "request-too-large", "Request too large", detail, 0, List.of());
  }

  public static RequestRejectedException unsupportedMediaType(String detail) {
    return new RequestRejectedException(415, "unsupported-media-type", "Unsupported media type", detail, 0, List.of());
  }

  /** 406: the request's {@code Accept} allows none of the media types the resource has. */
  public static RequestRejectedException notAcceptable(String detail) {
    return new RequestRejectedException(406, "not-acceptable", "Not acceptable", detail, 0, List.of());
  }

  public static RequestRejectedException overloaded(String detail) {
    return new RequestRejectedException(429, "overloaded", "Hub overloaded", detail, 1, List.of());
  }

  /** 503: the hub cannot take the request now for lack of a shared resource (memory for its body). */
  public static RequestRejectedException busy(String detail, int retryAfterSeconds) {
    return new RequestRejectedException(503, "busy", "Hub busy", detail, retryAfterSeconds, List.of());
  }

  public static RequestRejectedException timedOut(String detail) {
    return new RequestRejectedException(503, "ingest-timeout", "Not stored in time", detail, 2, List.of());
  }

  public static RequestRejectedException shuttingDown() {
    return new RequestRejectedException(503, "shutting-down", "Hub shutting down",
        "this hub instance is shutting down and takes no more events", 5, List.of());
  }

  public int status() {
    return status;
  }

  /** A short slug naming the kind of problem, e.g. {@code request-too-large}. */
  public String problemType() {
    return problemType;
  }

  public String title() {
    return title;
  }

  /** Seconds to put in {@code Retry-After}; 0 when the request must change before a retry. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** Where in the body the problem is, when known. */
  public List<FieldError> errors() {
    return errors;
  }
}
