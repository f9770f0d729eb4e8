package io.annals.hub.server.schema;

import java.time.Instant;
import java.util.Objects;

/**
 * One registered, immutable version of the payload schema of {@code (service, type)}.
 *
 * @param version 1 for the first registration of the type, then one more each time
 * @param schemaJson the JSON Schema (2020-12) as compact JSON text
 * @param checked how many stored events the registration checked the schema against
 */
public record SchemaVersion(String service, String type, int version, SchemaMode mode, String schemaJson,
    Instant registeredAt, long checked) {

  public SchemaVersion {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(schemaJson, "schemaJson");
    Objects.requireNonNull(registeredAt, "registeredAt");
  }
}
