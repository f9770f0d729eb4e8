package io.annals.hub.client;

/**
 * Thrown by {@code publish} at once when the spool already holds its maximum of undelivered
 * events or bytes; the event was not spooled. It clears as the sender delivers to the hub.
 */
public final class SpoolFullException extends RuntimeException {

  /** Undelivered events in the spool at the refusal. */
  private final long pendingEvents;
  /** Bytes of undelivered events in the spool at the refusal. */
  private final long pendingBytes;

  /**
   * The spool refused an event while holding {@code pendingEvents} undelivered events of {@code pendingBytes} bytes.
   *
   * @param message what the spool holds and its bounds
   * @param pendingEvents undelivered events in the spool
   * @param pendingBytes bytes of undelivered events in the spool
   */
  public SpoolFullException(String message, long pendingEvents, long pendingBytes) {
    super(message);
    this.pendingEvents = pendingEvents;
    this.pendingBytes = pendingBytes;
  }

  /**
   * Undelivered events in the spool when the publish was refused.
   *
   * @return the number of events
   */
  public long pendingEvents() {
    return pendingEvents;
  }

  /**
   * Bytes of undelivered events in the spool when the publish was refused.
   *
   * @return the number of bytes
   */
  public long pendingBytes() {
    return pendingBytes;
  }
}
