package io.annals.projections.runtime;

import java.time.Duration;

/** Waits; injected so that tests never sleep. */
@FunctionalInterface
public interface Sleeper {

  void sleep(Duration duration) throws InterruptedException;

  /** The real thing. */
  static Sleeper system() {
    return duration -> Thread.sleep(duration.toMillis());
  }
}
