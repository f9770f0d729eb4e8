package io.annals.hub.server.schema;

import java.util.Locale;
import java.util.Optional;

/** What ingestion does with an event its type's schema rejects. */
public enum SchemaMode {
  /** Refused: outcome {@code invalid}, errors by JSON pointer; nothing stored. */
  ENFORCE,
  /** Kept aside in the quarantine, out of the feed: outcome {@code quarantined}. */
  QUARANTINE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SchemaMode> fromWireName(String text) {
    for (SchemaMode mode : values()) {
      if (mode.wireName().equals(text)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
