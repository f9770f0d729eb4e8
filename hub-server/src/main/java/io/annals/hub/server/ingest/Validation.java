package io.annals.hub.server.ingest;

import io.annals.hub.server.event.Event;
import java.util.List;

/** The result of validating one submitted document: an {@link Event}, or the reasons it is not one. */
public sealed interface Validation {

  /** A valid event, ready to be stamped and stored. */
  record Valid(Event event) implements Validation {}

  /**
   * An invalid document. {@code id}, {@code service} and {@code type} are what could be read (or
   * null), so that the answer and the metrics can still name the event.
   */
  record Invalid(String id, String service, String type, List<FieldError> errors) implements Validation {
    public Invalid {
      errors = List.copyOf(errors);
    }
  }
}
