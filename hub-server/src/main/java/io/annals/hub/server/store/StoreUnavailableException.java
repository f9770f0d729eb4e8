package io.annals.hub.server.store;

/**
 * The store did not answer (down, unreachable, locked, timed out). Retryable: the HTTP layer
 * answers 503 with {@code Retry-After}. Adapters translate driver and JDBC exceptions into this.
 */
public class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
