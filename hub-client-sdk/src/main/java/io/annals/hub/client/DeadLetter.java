package io.annals.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * An event whose delivery failed for good, as written to the spool's {@code dead-letters.jsonl}:
 * the {@code reason} (conflict, invalid, forbidden, expired or damaged), a human {@code detail}, the
 * hub's per-field {@code errors} (may be empty) and the whole {@code event} envelope as spooled.
 * For {@link Outcome#DAMAGED} there is no readable event: {@code eventId} is null and {@code event}
 * is {@code {"spool_file", "offset", "length", "first_seq", "last_seq", "bytes_base64"}}, the
 * damaged bytes and where they were in the spool (sequence numbers -1 when unknown).
 */
public record DeadLetter(
    String eventId, Outcome reason, String detail, List<String> errors, JsonNode event,
    Instant deadLetteredAt) {

  /**
   * A dead letter; {@code errors} is copied.
   *
   * @param eventId the event's id, null for a damaged spool record
   * @param reason why delivery failed for good
   * @param detail the hub's or the SDK's explanation
   * @param errors the hub's per-field errors, possibly empty
   * @param event the event envelope as spooled, or where the damaged bytes were
   * @param deadLetteredAt when the event was dead-lettered
   */
  public DeadLetter {
    errors = List.copyOf(errors);
  }
}
