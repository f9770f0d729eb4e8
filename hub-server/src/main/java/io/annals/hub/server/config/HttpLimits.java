package io.annals.hub.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the HTTP layer that are not about one request's content.
 *
 * @param bodyBudgetBytes request body bytes that may be read and decoded at once across all
 *     requests (HUB_BODY_BUDGET); 0 means "derived from the heap at start"
 *     ({@link io.annals.hub.server.ingest.BodyBudget#forHeap})
 * @param headerTimeout longest a client may take to send a request's line and headers, from its
 *     first byte (HUB_HEADER_TIMEOUT); then the connection is closed
 */
public record HttpLimits(long bodyBudgetBytes, Duration headerTimeout) {

  /** The default header deadline; long enough for any client on a slow link, short for a slow-header attack. */
  public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(20);

  /** The budget derived from the heap and a 20 s header deadline. */
  public static HttpLimits defaults() {
    return new HttpLimits(0, HEADER_TIMEOUT);
  }

  public HttpLimits {
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    if (bodyBudgetBytes < 0) {
      throw new IllegalArgumentException("bodyBudgetBytes must be 0 (from the heap) or more, was: " + bodyBudgetBytes);
    }
    if (headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("headerTimeout must be more than zero, was: " + headerTimeout);
    }
  }
}
