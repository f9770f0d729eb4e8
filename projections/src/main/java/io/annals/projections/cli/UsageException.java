package io.annals.projections.cli;

/** The command line is wrong; the message says what was wrong and what was expected, in one line. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
