package io.annals.hub.client.internal.delivery;

import io.annals.hub.client.Outcome;
import java.time.Duration;

/**
 * What the sender reports for metrics. The Micrometer implementation is only loaded when the
 * application gives the client a registry, so the SDK runs without Micrometer on the classpath.
 */
public interface DeliveryMetrics {

  DeliveryMetrics NONE = new DeliveryMetrics() {
    @Override
    public void delivered(Outcome outcome, Duration sincePublish) {}

    @Override
    public void deadLettered(Outcome reason) {}

    @Override
    public void retried() {}
  };

  /** The hub holds an event ({@code created} or {@code duplicate}) {@code sincePublish} after its publish. */
  void delivered(Outcome outcome, Duration sincePublish);

  /** An event went to the dead-letter file for {@code reason}. */
  void deadLettered(Outcome reason);

  /** A delivery attempt failed and will be retried. */
  void retried();
}
