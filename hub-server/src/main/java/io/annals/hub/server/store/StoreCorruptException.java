package io.annals.hub.server.store;

/**
 * The store's data is damaged (SQLite's SQLITE_CORRUPT or SQLITE_NOTADB, a failed quick check,
 * MongoDB's DataCorruptionDetected or a document the driver cannot decode). The HTTP layer answers
 * 503 problem+json of type {@code store-corrupt}; readiness turns false and stays false until the
 * hub restarts on a sound store: retrying will not help until someone restores it (README, Runbook,
 * {@code AnnalsHubStoreCorrupt}). A 503 rather than a 500: nothing the client sent is wrong, and its
 * events wait in its spool until the store is restored.
 */
public class StoreCorruptException extends StoreUnavailableException {

  public StoreCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
