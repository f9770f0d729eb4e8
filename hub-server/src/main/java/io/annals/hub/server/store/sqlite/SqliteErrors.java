package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.store.StoreUnavailableException;
import java.sql.SQLException;

/** Translates JDBC exceptions at the adapter's edge: "try again later" versus "a bug or a broken file". */
final class SqliteErrors {

  // Primary SQLite result codes (https://sqlite.org/rescode.html); sqlite-jdbc reports the primary
  // code in SQLException.getErrorCode().
  private static final int BUSY = 5;
  private static final int LOCKED = 6;
  private static final int READONLY = 8;
  private static final int IOERR = 10;
  private static final int FULL = 13;
  private static final int CANTOPEN = 14;
  private static final int PROTOCOL = 15;

  private SqliteErrors() {}

  /**
   * StoreUnavailableException when the store may answer again later (busy, locked, I/O error,
   * disk full, read-only, cannot open); IllegalStateException otherwise (SQL error, corrupt file).
   */
  static RuntimeException translate(String what, SQLException e) {
    String message = what + " failed: " + e.getMessage();
    return switch (e.getErrorCode() & 0xff) {
      case BUSY, LOCKED, PROTOCOL -> new StoreUnavailableException(message + " (SQLite database busy or locked)", e);
      case READONLY, IOERR, FULL, CANTOPEN -> new StoreUnavailableException(message, e);
      default -> new IllegalStateException(message, e);
    };
  }
}
