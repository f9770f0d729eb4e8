package io.annals.hub.server.erasure;

import io.annals.hub.server.ledger.LedgerLeaf;
import java.util.Optional;
import java.util.function.Supplier;

/** What an erasure needs of the ledger (absent when the ledger is off). */
public interface LedgerAccess {

  /** The event's leaf, if it has one yet. */
  Optional<LedgerLeaf> leafOf(String eventId);

  /** Replaces the salts of the event's leaf (see {@link io.annals.hub.server.ledger.Ledger#replaceSalts}). */
  void replaceSalts(String eventId, String saltsJson);

  /**
   * Runs {@code work} while this instance's appender appends no leaf: a leaf made from a payload
   * read before the erasure rewrote it would commit to the erased value's salt and not to its marker.
   */
  <T> T withoutAppends(Supplier<T> work);
}
