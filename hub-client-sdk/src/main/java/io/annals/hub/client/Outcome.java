package io.annals.hub.client;

import java.util.Locale;

/**
 * How the delivery of one event ended. {@link #CREATED}, {@link #DUPLICATE} and {@link #QUARANTINED}
 * mean the hub holds the event; the others are permanent failures that retrying cannot change, so the event goes to
 * the dead-letter file instead. {@link #EXPIRED} and {@link #DAMAGED} are the client's own verdicts,
 * never the hub's.
 */
public enum Outcome {
  /** The hub stored the event. */
  CREATED,
  /** The hub already held this id with the same content (an earlier attempt got through). */
  DUPLICATE,
  /** The hub holds this id with different content. */
  CONFLICT,
  /**
   * The hub kept the event aside: its type's schema (in mode quarantine) rejected it. The hub holds
   * it for an admin to release or drop, so it counts as delivered: sending it again changes nothing.
   */
  QUARANTINED,
  /** The hub found the event invalid (or too large, or unreadable). */
  INVALID,
  /** The API key may not write this event. */
  FORBIDDEN,
  /** The hub could not be reached before the event's maximum age. */
  EXPIRED,
  /**
   * The event's bytes in the local spool were damaged (a disk error, a stray write) and could not
   * be read back; the dead letter holds the damaged bytes and where they were, not an event.
   */
  DAMAGED;

  /**
   * True for {@link #CREATED}, {@link #DUPLICATE} and {@link #QUARANTINED}: the hub holds the event.
   *
   * @return whether the hub holds the event
   */
  public boolean delivered() {
    return this == CREATED || this == DUPLICATE || this == QUARANTINED;
  }

  /**
   * The lower-case name the hub and the metrics use, e.g. {@code "created"}.
   *
   * @return the wire name
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The outcome the hub names {@code wireName} in an answer to {@code POST /events}, or null when
   * it names none of them ({@link #EXPIRED} is the SDK's own and never comes from the hub).
   *
   * @param wireName a name from an answer of the hub
   * @return the outcome, or null
   */
  public static Outcome fromWireName(String wireName) {
    for (Outcome outcome : values()) {
      if (outcome != EXPIRED && outcome != DAMAGED && outcome.wireName().equals(wireName)) {
        return outcome;
      }
    }
    return null;
  }
}
