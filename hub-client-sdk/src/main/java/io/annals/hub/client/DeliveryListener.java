package io.annals.hub.client;

/**
 * Told, on the client's sender thread, how each spooled event's delivery ended, before
 * {@link AnnalsClient#flush} can see the event gone. After a crash an event may be reported again
 * (delivery is at-least-once). Implementations must be quick and must not throw (what they throw
 * is logged and ignored).
 */
public interface DeliveryListener {

  /** A listener that ignores everything. */
  DeliveryListener NONE = letter -> {};

  /**
   * The event failed for good; it is already in the dead-letter file.
   *
   * @param letter what failed and why
   */
  void deadLettered(DeadLetter letter);

  /**
   * The hub holds the event ({@link Outcome#CREATED} or {@link Outcome#DUPLICATE}).
   *
   * @param eventId the event's id
   * @param outcome {@link Outcome#CREATED} or {@link Outcome#DUPLICATE}
   */
  default void delivered(String eventId, Outcome outcome) {}
}
