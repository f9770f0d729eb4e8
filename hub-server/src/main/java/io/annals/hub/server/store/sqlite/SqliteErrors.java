package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.store.StoreCorruptException;
import io.annals.hub.server.store.StoreFullException;
import io.annals.hub.server.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static final int CORRUPT = 11;
  private static final int NOTADB = 26;

  private SqliteErrors() {}

  /** A store's translation: {@link #translate} with its file, noted by its {@link io.annals.hub.server.store.StoreCondition}. */
  interface Translator {
    RuntimeException translate(String what, SQLException e);
  }

  /**
   * StoreUnavailableException when the store may answer again later (busy, locked, I/O error,
   * read-only, cannot open), StoreFullException for lack of space, StoreCorruptException naming
   * {@code file} when it is damaged or not a database; IllegalStateException otherwise (SQL error).
   */
  static RuntimeException translate(Path file, String what, SQLException e) {
    String message = what + " failed: " + e.getMessage();
    return switch (e.getErrorCode() & 0xff) {
      case BUSY, LOCKED, PROTOCOL -> new StoreUnavailableException(message + " (SQLite database busy or locked)", e);
      case FULL -> full(file, message, e);
      // SQLite reports a write that found no space while growing the log or its index as an I/O
      // error, or as "cannot open": with no space left that is what it was.
      case READONLY, IOERR, CANTOPEN -> usableBytes(file.getParent()) == 0 ? full(file, message, e)
          : new StoreUnavailableException(message, e);
      case CORRUPT, NOTADB -> new StoreCorruptException(damaged(file, message), e);
      default -> new IllegalStateException(message, e);
    };
  }

  private static StoreFullException full(Path file, String message, SQLException e) {
    return new StoreFullException(message + " (no space left for " + file + ": "
        + usableBytes(file.getParent()) + " bytes usable on its file system)", e);
  }

  /** One line naming the damaged file and what to do. */
  static String damaged(Path file, String detail) {
    return "the embedded store's file " + file + " is damaged (" + detail.replaceAll("\\s+", " ").strip()
        + "); restore it from a backup or an export (README, Runbook: AnnalsHubStoreCorrupt)";
  }

  /** Usable bytes on the file system of {@code dir}, or -1 when that cannot be read. */
  static long usableBytes(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
