package io.annals.hub.client;

/**
 * The hub answered with an error, or could not be reached. {@code status} is the HTTP status
 * (0 when there was no answer); {@code retryable} says whether trying again later may succeed.
 */
public class HubException extends RuntimeException {

  private final int status;
  private final boolean retryable;

  public HubException(String message, int status, boolean retryable, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.retryable = retryable;
  }

  public int status() {
    return status;
  }

  public boolean retryable() {
    return retryable;
  }
}
