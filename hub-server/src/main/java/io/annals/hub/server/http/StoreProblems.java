package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.store.StoreCorruptException;
import io.annals.hub.server.store.StoreFullException;
import io.annals.hub.server.store.StoreUnavailableException;
import java.util.List;

/**
 * The 503 problem for a store that cannot serve, by why: damaged ({@code store-corrupt}), out of
 * space ({@code store-full}) or not answering ({@code store-unavailable}). Clients retry all three
 * after {@code Retry-After}; operators tell them apart by type (and the alerts by metric).
 */
final class StoreProblems {

  private StoreProblems() {}

  /** The problem for {@code e}; {@code title} and {@code detail} for the plain "does not answer" case. */
  static ObjectNode of(EventJson json, StoreUnavailableException e, String title, String detail) {
    if (e instanceof StoreCorruptException) {
      return Problem.of(json, 503, "store-corrupt", "Store corrupt",
          "the event store is damaged (corrupt data); the hub's operators must restore it from a backup. "
              + "Nothing was stored by this request that was not confirmed", List.of());
    }
    if (e instanceof StoreFullException) {
      return Problem.of(json, 503, "store-full", "Store full",
          "the event store has no space left for writes; nothing was stored by this request that was not confirmed, "
              + "retry later", List.of());
    }
    return Problem.of(json, 503, "store-unavailable", title, detail, List.of());
  }

  /** Damage and lack of space are logged once, when the store's health changes; only other outages per request. */
  static boolean loggedPerRequest(StoreUnavailableException e) {
    return !(e instanceof StoreCorruptException) && !(e instanceof StoreFullException);
  }
}
