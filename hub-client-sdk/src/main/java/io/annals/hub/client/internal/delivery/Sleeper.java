package io.annals.hub.client.internal.delivery;

import java.time.Duration;

/** Waits between delivery attempts; injected so that tests observe the waits instead of sitting through them. */
@FunctionalInterface
public interface Sleeper {

  /** Waits {@code duration}; an interrupt ends the wait early with {@link InterruptedException}. */
  void sleep(Duration duration) throws InterruptedException;

  /** The real thing: {@link Thread#sleep}. */
  static Sleeper system() {
    return duration -> Thread.sleep(duration.toMillis());
  }
}
