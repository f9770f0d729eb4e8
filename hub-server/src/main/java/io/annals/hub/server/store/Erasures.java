package io.annals.hub.server.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The erasure port (docs/erasure.md): the log of erasures, and the one write that changes a stored
 * event, the rewrite of its payload with the erased members replaced by markers. Errors, precision
 * and limits as every storage port ({@link io.annals.hub.server.store package}). Thread-safe.
 */
public interface Erasures {

  /**
   * Records {@code erasure} unless an erasure with its id is recorded already; answers the one
   * recorded, and whether this call recorded it (so re-applying an erasure from an export is
   * idempotent).
   */
  Recorded record(ErasureRecord erasure);

  /** What {@link #record} found: the erasure recorded under the id, and whether this call recorded it. */
  record Recorded(ErasureRecord erasure, boolean created) {}

  /** The erasure with this id, if recorded. */
  Optional<ErasureRecord> find(String erasureId);

  /** Erasures in {@code (requested_at, erasure_id)} order, strictly after {@code after} (null = from the start), at most {@code limit}. */
  List<ErasureRecord> list(ErasureRecord.Position after, int limit);

  /** Every recorded erasure that names one of these event ids, in {@code (requested_at, erasure_id)} order. */
  List<ErasureRecord> naming(Collection<String> eventIds);

  /**
   * Replaces the payload text of stored events (event id to new payload) in one write, and removes
   * the old text from the store for good: SQLite overwrites it (secure_delete) and empties its
   * write-ahead log; MongoDB rewrites the documents. Ids not stored are skipped. Answers how many
   * events were rewritten.
   */
  int rewritePayloads(Map<String, String> payloads);
}
