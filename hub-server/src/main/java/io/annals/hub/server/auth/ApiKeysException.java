package io.annals.hub.server.auth;

/**
 * The API keys file cannot be used: unreadable, not JSON, or an entry breaks a rule. The message is
 * one line naming the file, the entry ({@code keys[2] ("billing-prod")}) and the field, and never
 * quotes a key or a hash, so start-up can print it as it is and stop.
 */
public final class ApiKeysException extends RuntimeException {

  public ApiKeysException(String message) {
    super(message);
  }

  public ApiKeysException(String message, Throwable cause) {
    super(message, cause);
  }
}
