package io.annals.hub.server.ingest;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.event.StoredEvent;
import java.util.List;

/**
 * What happened to one submitted event.
 *
 * @param id the event id as far as it could be read (null when unreadable)
 * @param submitted the validated event; null when invalid
 * @param stored the event the store holds under {@code id} (the new one when created, the earlier
 *     one for duplicate and conflict); null when invalid
 * @param errors the bad fields when invalid, else empty
 * @param line the NDJSON line number, 0 for JSON bodies
 */
public record EventResult(Outcome outcome, String id, Event submitted, StoredEvent stored, List<FieldError> errors, int line) {

  public EventResult {
    errors = List.copyOf(errors);
  }
}
