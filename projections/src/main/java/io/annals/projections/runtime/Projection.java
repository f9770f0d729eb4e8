package io.annals.projections.runtime;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A report built from the feed: the runtime reads the events of {@link #eventTypes()} in
 * {@code received_at} order and hands them, one page per transaction, to a {@link Batch} that
 * writes the read model. The runtime commits the batch together with its checkpoint, so a handler
 * sees every event exactly once per generation of its tables.
 *
 * <p>Events arrive in {@code received_at} order, not {@code created_at} order: keep the read model
 * order-independent (sums and counts are; for state use
 * {@link io.annals.projections.sql.LatestByCreatedAt}).
 */
public interface Projection {

  /** The projection's name, like {@code payments-daily}: lower case, digits and dashes. */
  String name();

  /** The event types it wants; empty means every type. */
  Set<String> eventTypes();

  /**
   * The version of its schema and handler semantics. Raising it makes the runtime build a new
   * generation from the start beside the served one and switch to it when caught up.
   */
  int schemaVersion();

  /** The logical names of its tables; readers query these names (views over the live generation). */
  List<String> tables();

  /** The DDL statements creating one generation's tables, named through {@link ReadModel#table}. */
  List<String> schema(ReadModel readModel);

  /** Opens the handler for one transaction's worth of events. */
  Batch begin(ReadModel readModel) throws SQLException;

  /** How {@code export NAME --csv} prints this read model, if it can. */
  default Optional<CsvExport> export() {
    return Optional.empty();
  }

  /** A report as CSV: these columns of the logical table {@code table}, in {@code orderBy} order. */
  record CsvExport(String table, List<String> columns, String orderBy) {
    public CsvExport {
      columns = List.copyOf(columns);
    }
  }

}
