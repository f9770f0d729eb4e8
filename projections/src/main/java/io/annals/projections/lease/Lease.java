package io.annals.projections.lease;

import java.time.Instant;

/** Who holds a lease and until when (it lapses at {@code expiresAt} unless renewed). */
public record Lease(String key, String owner, Instant acquiredAt, Instant expiresAt) {

  public boolean heldBy(String worker) {
    return owner.equals(worker);
  }
}
