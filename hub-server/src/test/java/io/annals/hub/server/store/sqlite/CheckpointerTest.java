package io.annals.hub.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background checkpointer's failure paths: it cannot open the file, or a checkpoint fails. */
class CheckpointerTest {

  @TempDir Path tempDir;

  private SqliteSettings settings(Path file) {
    return new SqliteSettings(file, Duration.ofMillis(300), 1, Clock.systemUTC(), true);
  }

  @Test
  void a_file_it_cannot_open_is_refused_at_once_with_the_file_named() {
    Path missing = tempDir.resolve("missing.db");

    assertThatThrownBy(() -> new Checkpointer(settings(missing)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("missing.db")
        .hasMessageContaining("background checkpoints");
  }

  @Test
  void a_failing_checkpoint_is_retried_on_a_fresh_connection_after_the_next_commit() throws Exception {
    // Given a file that is not a database: every checkpoint on it fails
    Path file = tempDir.resolve("events.db");
    Files.writeString(file, "not a database ".repeat(300));
    try (Checkpointer checkpointer = new Checkpointer(settings(file))) {
      checkpointer.committed();
      Thread.sleep(300);
      assertThat(checkpointer.checkpoints()).isZero();

      // When the file becomes a database with pages in its log, and a commit is announced
      Files.delete(file);
      try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement statement = writer.createStatement()) {
        statement.execute("PRAGMA journal_mode = WAL");
        statement.execute("PRAGMA wal_autocheckpoint = 0");
        statement.execute("CREATE TABLE t (x TEXT)");
        statement.execute("INSERT INTO t VALUES ('" + "y".repeat(10_000) + "')");
        checkpointer.committed();

        // Then the thread, still alive, checkpoints on a new connection and copies the pages
        assertThat(eventually(checkpointer::checkpoints)).isPositive();
      }
    }
  }

  @Test
  void a_checkpoint_flushes_the_file_only_when_it_copied_pages_from_the_log() throws Exception {
    Path file = tempDir.resolve("events.db");
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = writer.createStatement()) {
      statement.execute("PRAGMA journal_mode = WAL");
      statement.execute("PRAGMA wal_autocheckpoint = 0");
      statement.execute("CREATE TABLE t (x TEXT)");
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      try (Checkpointer checkpointer = new Checkpointer(settings(file))) {
        // Given an empty log: a checkpoint copies nothing, so there is nothing to flush
        checkpointer.committed();
        assertThat(eventually(checkpointer::checkpoints)).isEqualTo(1);
        assertThat(checkpointer.syncs()).isZero();

        // When a commit leaves pages in the log, then its checkpoint copies them and flushes once
        statement.execute("INSERT INTO t VALUES ('" + "y".repeat(10_000) + "')");
        checkpointer.committed();
        assertThat(eventually(checkpointer::syncs)).isEqualTo(1);
        assertThat(checkpointer.checkpoints()).isEqualTo(2);
      }
    }
  }

  private static long eventually(LongSupplier counter) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (counter.getAsLong() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return counter.getAsLong();
  }
}
