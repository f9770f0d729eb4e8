package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.store.StoreCorruptException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The start-up check of {@code events.db}: SQLite's {@code PRAGMA quick_check}, which reads every
 * page and checks the b-tree structure of every table and index (but not that indexes match their
 * tables, which {@code integrity_check} would add at several times the cost). SQLite keeps no page
 * checksums, so damage that leaves a page well-formed stays invisible to it; what it finds, it finds
 * before the hub listens, rather than at the first read that touches the damaged page.
 *
 * <p>Its cost grows with the file: it reads the whole of it once (docs/decisions.md, "Store integrity").
 */
final class SqliteIntegrity {

  /** Problems quoted in the refusal; quick_check lists up to 100. */
  private static final int QUOTED = 3;
  /** Characters quoted of each: one problem can list hundreds of pages. */
  private static final int QUOTED_CHARS = 200;

  private SqliteIntegrity() {}

  /** Returns when quick_check answers "ok"; throws StoreCorruptException with one line naming {@code file} otherwise. */
  static void quickCheck(Connection connection, Path file) throws SQLException {
    List<String> problems = new ArrayList<>();
    int count = 0;
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA quick_check")) {
      while (rs.next()) {
        String line = rs.getString(1);
        if ("ok".equals(line)) {
          continue;
        }
        count++;
        if (problems.size() < QUOTED) {
          problems.add(line.length() > QUOTED_CHARS ? line.substring(0, QUOTED_CHARS) + "..." : line);
        }
      }
    }
    if (count > 0) {
      throw new StoreCorruptException(SqliteErrors.damaged(file, "PRAGMA quick_check found " + count
          + " problem(s): " + String.join("; ", problems)), null);
    }
  }
}
