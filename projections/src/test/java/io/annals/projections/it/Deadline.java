package io.annals.projections.it;

import java.time.Duration;

/** A guard so that a broken worker fails a test instead of hanging the build (not a timing assertion). */
final class Deadline {

  private final long endNanos;
  private final String what;

  private Deadline(Duration within, String what) {
    this.endNanos = System.nanoTime() + within.toNanos();
    this.what = what;
  }

  static Deadline in(Duration within, String what) {
    return new Deadline(within, what);
  }

  /** Sleeps {@code millis}, or fails the test if the deadline has passed. */
  void sleep(long millis) throws InterruptedException {
    if (System.nanoTime() > endNanos) {
      throw new AssertionError("gave up waiting: " + what);
    }
    Thread.sleep(millis);
  }
}
