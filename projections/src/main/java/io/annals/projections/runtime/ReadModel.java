package io.annals.projections.runtime;

import io.annals.projections.sql.Dialect;
import io.annals.projections.sql.Tables;
import java.sql.Connection;

/**
 * What a handler writes through: the runtime's connection (inside its transaction: never commit
 * it), the physical tables of the generation being written, and the SQL dialect.
 */
public record ReadModel(Connection connection, Tables tables, Dialect dialect) {

  /** The physical name of logical table {@code logical} in this generation. */
  public String table(String logical) {
    return tables.name(logical);
  }
}
