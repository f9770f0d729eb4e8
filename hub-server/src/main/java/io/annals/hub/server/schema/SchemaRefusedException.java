package io.annals.hub.server.schema;

import io.annals.hub.server.ingest.FieldError;
import java.util.List;

/** A schema the hub will not register (400): not JSON Schema 2020-12, or naming something outside itself. */
public final class SchemaRefusedException extends RuntimeException {

  private final transient List<FieldError> errors;

  public SchemaRefusedException(List<FieldError> errors) {
    super(errors.isEmpty() ? "schema refused" : errors.get(0).pointer() + ": " + errors.get(0).detail(), null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
