package io.annals.ops.loadgen;

/** What one generated event is meant to exercise; the hub's answer is counted separately. */
enum Intent {
  /** A new event, created moments ago. */
  FRESH,
  /** A new event created minutes to hours before it is sent (a producer's spool, an import). */
  LATE,
  /** An event sent before, sent again unchanged (a producer retry): expect {@code duplicate}. */
  DUPLICATE,
  /** An id sent before, with other content (a producer bug): expect {@code conflict}. */
  CONFLICT,
  /** An event the hub must refuse: expect {@code invalid}. */
  INVALID;

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
