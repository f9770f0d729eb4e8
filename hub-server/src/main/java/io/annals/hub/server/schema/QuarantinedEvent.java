package io.annals.hub.server.schema;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.ingest.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An event kept aside because the schema of its type (in mode quarantine) rejected it: as the
 * producer sent it, with why and when. It is not in the history until released.
 *
 * @param event the event as sent, {@code meta.extensions} included
 * @param schemaVersion the version that rejected it
 * @param droppedReason null while held; the admin's reason once dropped
 */
public record QuarantinedEvent(Event event, Instant quarantinedAt, int schemaVersion, List<FieldError> errors,
    String droppedReason) {

  public QuarantinedEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(quarantinedAt, "quarantinedAt");
    errors = List.copyOf(errors);
  }

  public String id() {
    return event.id();
  }
}
