package io.annals.hub.server.ingest;

import io.annals.hub.server.event.Event;
import java.util.List;

/**
 * Where ingestion asks whether a valid, permitted event's payload fits the schema of its type, and
 * hands over the events to keep aside ({@code io.annals.hub.server.schema.SchemaService}).
 */
public interface SchemaGate {

  /** No schemas: every payload passes. */
  SchemaGate NONE = new SchemaGate() {
    @Override
    public Rejection check(Event event) {
      return null;
    }

    @Override
    public void quarantine(List<Event> events, List<Rejection> why) {
      throw new IllegalStateException("no quarantine without schemas");
    }
  };

  /** Null when the type has no schema or the payload passes; else why and what to do. */
  Rejection check(Event event);

  /** Keeps {@code events} aside, durably before it returns; {@code why} in the same order. */
  void quarantine(List<Event> events, List<Rejection> why);

  /**
   * A payload the schema of its type rejects.
   *
   * @param quarantine true: keep the event aside (mode quarantine); false: refuse it (mode enforce)
   * @param errors pointers relative to the payload ({@code /amount}; {@code ""} for the payload itself)
   */
  record Rejection(boolean quarantine, int schemaVersion, List<FieldError> errors) {
    public Rejection {
      errors = List.copyOf(errors);
    }
  }
}
