package io.annals.hub.client;

/**
 * The hub answered with an error, or could not be reached. {@code status} is the HTTP status
 * (0 when there was no answer); {@code retryable} says whether trying again later may succeed.
 */
public final class HubException extends RuntimeException {

  /** The HTTP status the hub answered, 0 when it did not answer. */
  private final int status;
  /** Whether trying again later may succeed. */
  private final boolean retryable;

  /**
   * An error answer (or none) from the hub; public so that feed sources other than {@link
   * FeedReader} can report the hub's failures the same way.
   *
   * @param message what went wrong
   * @param status the HTTP status, or 0 when the hub did not answer
   * @param retryable whether trying again later may succeed
   * @param cause the underlying failure, or null
   */
  public HubException(String message, int status, boolean retryable, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.retryable = retryable;
  }

  /**
   * The HTTP status the hub answered, or 0 when it did not answer.
   *
   * @return the status, or 0
   */
  public int status() {
    return status;
  }

  /**
   * True when trying again later may succeed (no answer, 429, 5xx).
   *
   * @return whether a retry may succeed
   */
  public boolean retryable() {
    return retryable;
  }
}
