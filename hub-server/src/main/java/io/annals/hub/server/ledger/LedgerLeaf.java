package io.annals.hub.server.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored leaf: its index in the tree, the event it commits to (id and feed position), its leaf
 * hash and the payload salts that open its payload commitment ({@link PayloadSalts#toJson}).
 */
public record LedgerLeaf(long index, String eventId, Instant receivedAt, byte[] leafHash, String saltsJson) {

  public LedgerLeaf {
    if (index < 0) {
      throw new IllegalArgumentException("a leaf index is >= 0, was " + index);
    }
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(saltsJson, "saltsJson");
    if (leafHash == null || leafHash.length != Rfc6962.HASH_BYTES) {
      throw new IllegalArgumentException("a leaf hash is 32 bytes");
    }
  }
}
