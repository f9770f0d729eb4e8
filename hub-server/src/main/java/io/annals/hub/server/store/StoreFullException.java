package io.annals.hub.server.store;

/**
 * A write failed for lack of space (SQLite's SQLITE_FULL: the disk, or the file's page limit).
 * Retryable: the HTTP layer answers 503 with {@code Retry-After}, and readiness is false until
 * space returns ({@link StoreHealth}).
 */
public class StoreFullException extends StoreUnavailableException {

  public StoreFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
