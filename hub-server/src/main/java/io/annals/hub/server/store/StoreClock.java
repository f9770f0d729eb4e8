package io.annals.hub.server.store;

import java.time.Instant;

/** The store's own clock, which stamps {@code received_at}. */
@FunctionalInterface
public interface StoreClock {

  /**
   * The store's own clock, so that every hub instance stamps {@code received_at} from one clock
   * where the store offers one (MongoDB's server time, estimated without a round trip per call);
   * the embedded store returns the local clock. Microsecond precision, never decreasing, cheap.
   */
  Instant clock();
}
