package io.annals.hub.server.ledger;

/** The ledger's signing key cannot be read or made; the message is one line for start-up to print. */
public final class LedgerKeyException extends RuntimeException {

  public LedgerKeyException(String message) {
    super(message);
  }

  public LedgerKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
