package io.annals.projections.sql;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The few places where SQLite and PostgreSQL differ for read models. Everything else (including
 * {@code INSERT ... ON CONFLICT ... DO UPDATE}) is written once in portable SQL.
 */
public enum Dialect {
  /** SQLite has no exact decimal type: decimals are stored as their plain text and added in Java. */
  SQLITE("TEXT"),
  /** PostgreSQL keeps decimals as NUMERIC, exact and usable by reporting tools as numbers. */
  POSTGRESQL("NUMERIC");

  private final String decimalType;

  Dialect(String decimalType) {
    this.decimalType = decimalType;
  }

  /** The dialect of a JDBC URL ({@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}). */
  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "database URL must start with jdbc:sqlite: or jdbc:postgresql:, was: " + jdbcUrl);
  }

  /** The column type for an exact decimal (never a floating-point type). */
  public String decimalType() {
    return decimalType;
  }

  /** Binds an exact decimal to a parameter of a {@link #decimalType()} column. */
  public void setDecimal(PreparedStatement statement, int index, BigDecimal value) throws SQLException {
    if (this == SQLITE) {
      // toPlainString: "1E+3" would still be exact, but reporting tools expect "1000".
      statement.setString(index, value.toPlainString());
    } else {
      statement.setBigDecimal(index, value);
    }
  }

  /** Reads an exact decimal from a {@link #decimalType()} column (null stays null). */
  public BigDecimal getDecimal(ResultSet row, String column) throws SQLException {
    if (this == SQLITE) {
      String text = row.getString(column);
      return text == null ? null : new BigDecimal(text);
    }
    return row.getBigDecimal(column);
  }
}
