package io.annals.hub.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pragmas each of the store's connections is opened with, read back from SQLite. */
class SqliteSettingsTest {

  @TempDir Path dir;

  static String pragma(Connection connection, String name) throws Exception {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void every_connection_syncs_fully_in_wal_mode_the_writer_with_the_cache_it_is_given_and_the_reader_read_only() throws Exception {
    SqliteSettings settings = new SqliteSettings(dir.resolve("events.db"), Duration.ofMillis(300), 1, Clock.systemUTC(), true);
    try (Connection writer = settings.openWriter(WriterCache.SMALL_FILE_KIB);
        Connection checkpointer = settings.openCheckpointer();
        Connection reader = settings.openReader()) {
      for (Connection any : new Connection[] {writer, checkpointer, reader}) {
        assertThat(pragma(any, "synchronous")).as("FULL").isEqualTo("2");
        assertThat(pragma(any, "journal_mode")).isEqualTo("wal");
        assertThat(pragma(any, "busy_timeout")).isEqualTo("300");
        // No query after each insert for keys nobody reads.
        assertThat(any.unwrap(org.sqlite.SQLiteConnection.class).getConnectionConfig().isGetGeneratedKeys()).isFalse();
      }
      assertThat(pragma(writer, "cache_size")).isEqualTo(String.valueOf(-WriterCache.SMALL_FILE_KIB));
      assertThat(pragma(writer, "wal_autocheckpoint")).isEqualTo(String.valueOf(Checkpointer.WRITER_FRAMES));
      assertThat(pragma(writer, "secure_delete")).isEqualTo("1");
      assertThat(pragma(reader, "query_only")).isEqualTo("1");
      assertThat(pragma(writer, "query_only")).isEqualTo("0");
    }
  }
}
