package io.annals.hub.client;

/**
 * Thrown by {@code publish} at once when the spool already holds its maximum of undelivered
 * events or bytes; the event was not spooled. It clears as the sender delivers to the hub.
 */
public final class SpoolFullException extends RuntimeException {

  private final long pendingEvents;
  private final long pendingBytes;

  /** The spool refused an event while holding {@code pendingEvents} undelivered events of {@code pendingBytes} bytes. */
  public SpoolFullException(String message, long pendingEvents, long pendingBytes) {
    super(message);
    this.pendingEvents = pendingEvents;
    this.pendingBytes = pendingBytes;
  }

  /** Undelivered events in the spool when the publish was refused. */
  public long pendingEvents() {
    return pendingEvents;
  }

  /** Bytes of undelivered events in the spool when the publish was refused. */
  public long pendingBytes() {
    return pendingBytes;
  }
}
