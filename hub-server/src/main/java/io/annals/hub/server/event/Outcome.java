package io.annals.hub.server.event;

/** What the hub did with one submitted event (DESIGN.md, "Outcome of each event"). */
public enum Outcome {
  /** New id, stored durably before the answer. */
  CREATED,
  /** Same id already stored with identical content ({@code received_at} aside). */
  DUPLICATE,
  /** Same id already stored with different content. */
  CONFLICT,
  /** Failed validation; nothing stored. */
  INVALID,
  /**
   * The payload failed the schema of its type, which is in mode quarantine: kept aside, out of the
   * history and the feed, until an admin releases or drops it.
   */
  QUARANTINED,
  /** The caller may not write this event (e.g. its key is not bound to {@code meta.service}). */
  FORBIDDEN;

  /** The lower-case wire name, e.g. {@code "created"}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
