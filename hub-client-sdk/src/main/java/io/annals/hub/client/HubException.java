package io.annals.hub.client;

/**
 * The hub answered with an error, or could not be reached. {@code status} is the HTTP status
 * (0 when there was no answer); {@code retryable} says whether trying again later may succeed.
 */
public final class HubException extends RuntimeException {

  private final int status;
  private final boolean retryable;

  /**
   * An error answer (or none) from the hub; public so that feed sources other than {@link
   * FeedReader} can report the hub's failures the same way.
   */
  public HubException(String message, int status, boolean retryable, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.retryable = retryable;
  }

  /** The HTTP status the hub answered, or 0 when it did not answer. */
  public int status() {
    return status;
  }

  /** True when trying again later may succeed (no answer, 429, 5xx). */
  public boolean retryable() {
    return retryable;
  }
}
