package io.annals.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * An event whose delivery failed for good, as written to the spool's {@code dead-letters.jsonl}:
 * the {@code reason} (conflict, invalid, forbidden or expired), a human {@code detail}, the hub's
 * per-field {@code errors} (may be empty) and the whole {@code event} envelope as spooled.
 */
public record DeadLetter(
    String eventId, Outcome reason, String detail, List<String> errors, JsonNode event,
    Instant deadLetteredAt) {

  /** A dead letter; {@code errors} is copied. */
  public DeadLetter {
    errors = List.copyOf(errors);
  }
}
