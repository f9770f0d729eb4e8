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
 * @param droppedAt null while held; when it was dropped
 */
public record QuarantinedEvent(Event event, Instant quarantinedAt, int schemaVersion, List<FieldError> errors,
    String droppedReason, Instant droppedAt) {

  public QuarantinedEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(quarantinedAt, "quarantinedAt");
    errors = List.copyOf(errors);
    if ((droppedReason == null) != (droppedAt == null)) {
      throw new IllegalArgumentException("a dropped event has a reason and a time, a held one neither: " + droppedReason + ", " + droppedAt);
    }
  }

  /** A held event (not dropped). */
  public static QuarantinedEvent held(Event event, Instant quarantinedAt, int schemaVersion, List<FieldError> errors) {
    return new QuarantinedEvent(event, quarantinedAt, schemaVersion, errors, null, null);
  }

  /** Whether an admin dropped it. */
  public boolean dropped() {
    return droppedReason != null;
  }

  public String id() {
    return event.id();
  }
}
