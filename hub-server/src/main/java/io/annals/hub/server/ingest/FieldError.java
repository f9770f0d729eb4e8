package io.annals.hub.server.ingest;

import java.util.Objects;

/**
 * One bad field: an RFC 6901 JSON pointer into the submitted document ({@code /meta/type}; in a
 * batch {@code /3/meta/type}; in NDJSON relative to the line's event) and what was expected there.
 */
public record FieldError(String pointer, String detail) {

  public FieldError {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(detail, "detail");
  }

  /** {@code name} escaped as one JSON-pointer reference token ({@code ~} → {@code ~0}, {@code /} → {@code ~1}). */
  static String token(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
