package io.annals.hub.server.auth;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link AccessControl#check} decided about one request: go on as a principal, go on without
 * one (an open operation), or answer a denial.
 */
public sealed interface AccessDecision {

  /** An open operation (health): the request proceeds, and no principal was established. */
  record Open() implements AccessDecision {}

  /** The request may proceed on behalf of {@code principal}. */
  record Allowed(Principal principal) implements AccessDecision {
    public Allowed {
      Objects.requireNonNull(principal, "principal");
    }
  }

  /**
   * The request must be answered at once with {@code status()}, an {@code application/problem+json}
   * body of {@code title()} and {@code detail}, and {@code headers()}. The detail never holds a key.
   *
   * @param retryAfterSeconds for {@link Reason#RATE_LIMITED}, at least 1; else 0
   */
  record Denied(Reason reason, String detail, long retryAfterSeconds) implements AccessDecision {

    public Denied {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    public int status() {
      return reason.status;
    }

    public String title() {
      return reason.title;
    }

    /** {@code WWW-Authenticate} for 401, {@code Retry-After} for 429, nothing for 403. */
    public Map<String, String> headers() {
      return switch (reason) {
        case UNAUTHENTICATED -> Map.of("WWW-Authenticate", "Bearer realm=\"annals\"");
        case RATE_LIMITED -> Map.of("Retry-After", Long.toString(retryAfterSeconds));
        case FORBIDDEN -> Map.of();
      };
    }
  }

  /** Why a request was denied, with its HTTP status. */
  enum Reason {
    /** No key, a malformed {@code Authorization} header, or an unknown key: 401. */
    UNAUTHENTICATED(401, "Unauthorized"),
    /** A known key whose role may not call the operation: 403. */
    FORBIDDEN(403, "Forbidden"),
    /** The caller is over its request budget: 429 with {@code Retry-After}. */
    RATE_LIMITED(429, "Too Many Requests");

    private final int status;
    private final String title;

    Reason(int status, String title) {
      this.status = status;
      this.title = title;
    }

    public int status() {
      return status;
    }

    public String title() {
      return title;
    }
  }
}
