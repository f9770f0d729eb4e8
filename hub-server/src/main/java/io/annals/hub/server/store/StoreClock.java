package io.annals.hub.server.store;

import java.time.Instant;

/** The store's own clock, which stamps {@code received_at}, and the highest time its history has made visible. */
public interface StoreClock {

  /**
   * The store's own clock, so that every hub instance stamps {@code received_at} from one clock
   * where the store offers one (MongoDB's server time, estimated without a round trip per call);
   * the embedded store returns the local clock. Microsecond precision, cheap. It steps back when
   * the clock behind it does (an NTP step, a restored VM): the hub's ReceivedAtClock makes
   * {@code received_at} monotonic, and needs to see the step to keep moving past it.
   */
  Instant clock();

  /**
   * The highest time this store's history has made visible: the newest stored event's
   * {@code received_at} or the highest heartbeat any hub instance ever published (kept when the
   * instance retires), whichever is later; null for a new store. {@link
   * InstanceRegistry#publishWatermark} raises it. A starting hub floors its {@code received_at}
   * clock above it, so that it never stamps at or below a time it handed out before a restart,
   * whatever the wall clock says then.
   */
  Instant clockHighMark();
}
