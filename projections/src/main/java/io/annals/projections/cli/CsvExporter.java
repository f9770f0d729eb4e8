package io.annals.projections.cli;

import io.annals.projections.runtime.Projection.CsvExport;
import io.annals.projections.sql.Database;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Prints a report as CSV (RFC 4180: header line, comma-separated, fields with commas, quotes or
 * line breaks quoted). Reads the logical view, so it always sees one complete generation.
 */
final class CsvExporter {

  private CsvExporter() {}

  /** Writes the rows; returns how many. */
  static long export(Database database, CsvExport export, PrintStream out) throws SQLException {
    String sql = "SELECT " + String.join(", ", export.columns()) + " FROM " + export.table()
        + " ORDER BY " + export.orderBy();
    long rows = 0;
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      out.print(String.join(",", export.columns()) + "\r\n");
      StringBuilder line = new StringBuilder();
      while (row.next()) {
        line.setLength(0);
        for (int i = 1; i <= export.columns().size(); i++) {
          if (i > 1) {
            line.append(',');
          }
          line.append(field(row.getString(i)));
        }
        out.print(line.append("\r\n"));
        rows++;
      }
    }
    out.flush();
    return rows;
  }

  static String field(String value) {
    if (value == null) {
      return "";
    }
    if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }
}
