package io.annals.projections.runtime;

/**
 * The read-model database failed underneath the runtime (not a handler): nothing of the batch
 * was committed, and trying again later may succeed.
 */
public final class ReadModelStoreException extends RuntimeException {
  public ReadModelStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
