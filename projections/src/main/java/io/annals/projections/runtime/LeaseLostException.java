package io.annals.projections.runtime;

/** Another worker took the lease (or moved the checkpoint) while this one was applying a batch. */
final class LeaseLostException extends Exception {
  LeaseLostException(String message) {
    super(message);
  }
}
