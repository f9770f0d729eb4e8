package io.annals.hub.client.internal.delivery;

import io.annals.hub.client.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What the hub made of one {@code POST /events} of a batch, reduced to what the sender must do next. */
public sealed interface Answer {

  /** The hub judged each event: one result per event, in request order. */
  record Results(List<EventResult> results) implements Answer {}

  /**
   * The hub refused the request whole without judging events: 400 (unreadable) or 413 (too large),
   * which splitting the batch may cure, or 401/403 (the key may not write).
   */
  record Rejected(int status, String detail, List<String> errors) implements Answer {

    /** Whether smaller batches could be accepted. */
    public boolean splittable() {
      return status == 400 || status == 413;
    }

    /** The outcome for each event of the request when it cannot be split further. */
    public Outcome outcome() {
      return status == 401 || status == 403 ? Outcome.FORBIDDEN : Outcome.INVALID;
    }
  }

  /**
   * Try again later: the hub was unreachable, overloaded (429), unavailable (503), failed (5xx) or
   * answered something unreadable. {@code retryAfter} is the hub's {@code Retry-After} (null when absent).
   */
  record Retry(int status, Duration retryAfter, String reason) implements Answer {}

  /** The hub's verdict on one event; {@code receivedAt} is null unless it holds the event. */
  record EventResult(String id, Outcome outcome, Instant receivedAt, String detail, List<String> errors) {}
}
