package io.annals.hub.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition; the deadline only guards against a hang, it is no performance bound. */
public final class Await {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("gave up waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }
}
