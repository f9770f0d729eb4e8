package io.annals.hub.server.store;

/** Whether the store answers now: the hub's readiness. */
@FunctionalInterface
public interface StoreHealth {

  /**
   * Returns when the store answers now; throws {@link StoreUnavailableException} when it does not
   * (it is unreachable, or closed), within the adapter's bounded timeouts.
   */
  void ping();
}
