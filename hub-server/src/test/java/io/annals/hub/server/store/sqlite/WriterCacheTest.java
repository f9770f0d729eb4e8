package io.annals.hub.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriterCacheTest {

  @TempDir
  Path dir;

  @Test
  void the_small_cache_serves_a_file_up_to_the_lock_byte_and_the_large_one_a_file_past_it() {
    WriterCache cache = WriterCache.DEFAULT;

    assertThat(cache.kibFor(0)).isEqualTo(WriterCache.SMALL_FILE_KIB);
    assertThat(cache.kibFor(WriterCache.PENDING_BYTE)).isEqualTo(WriterCache.SMALL_FILE_KIB);
    assertThat(cache.kibFor(WriterCache.PENDING_BYTE + 4096)).isEqualTo(SqliteEventStore.WRITER_CACHE_KIB);
  }

  @Test
  void a_cache_smaller_after_the_threshold_than_before_or_checked_never_is_refused() {
    assertThatThrownBy(() -> new WriterCache(1024, 64, 16, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WriterCache(1024, 16, 64, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WriterCache(1024, 0, 64, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_writer_starts_with_the_small_cache_and_takes_the_large_one_once_its_file_has_grown_past_the_threshold()
      throws Exception {
    Path file = dir.resolve("events.db");
    SqliteSettings settings = new SqliteSettings(file, Duration.ofSeconds(2), 1, Clock.systemUTC(), true);
    WriterCache cache = new WriterCache(512 * 1024, 2048, 8192, 1);
    try (SqliteWriter writer = new SqliteWriter(settings, (what, e) -> new IllegalStateException(what, e), cache)) {
      assertThat(writer.cacheKib()).isEqualTo(2048);
      assertThat(connectionCacheKib(writer)).isEqualTo(2048);
      writer.write("pad table", s -> s.prepared("CREATE TABLE pad (x BLOB)").executeUpdate());

      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (writer.cacheKib() == 2048 && System.nanoTime() < deadline) {
        // The file grows when the checkpointer copies the log into it.
        writer.write("pad", s -> s.prepared("INSERT INTO pad (x) VALUES (zeroblob(65536))").executeUpdate());
      }

      assertThat(Files.size(file)).isGreaterThan(512 * 1024);
      assertThat(writer.cacheKib()).isEqualTo(8192);
      assertThat(connectionCacheKib(writer)).isEqualTo(8192);
    }
  }

  @Test
  void a_writer_opened_on_a_file_past_the_threshold_starts_with_the_large_cache() throws Exception {
    Path file = dir.resolve("events.db");
    SqliteSettings settings = new SqliteSettings(file, Duration.ofSeconds(2), 1, Clock.systemUTC(), true);
    try (SqliteWriter writer = new SqliteWriter(settings, (what, e) -> new IllegalStateException(what, e),
        new WriterCache(1L << 40, 2048, 8192, 1))) {
      writer.write("pad table", s -> s.prepared("CREATE TABLE pad (x BLOB)").executeUpdate());
      writer.write("pad", s -> s.prepared("INSERT INTO pad (x) VALUES (zeroblob(262144))").executeUpdate());
    }
    try (SqliteWriter writer = new SqliteWriter(settings, (what, e) -> new IllegalStateException(what, e),
        new WriterCache(64 * 1024, 2048, 8192, 1))) {
      assertThat(Files.size(file)).isGreaterThan(64 * 1024);
      assertThat(writer.cacheKib()).isEqualTo(8192);
      assertThat(connectionCacheKib(writer)).isEqualTo(8192);
    }
  }

  private static int connectionCacheKib(SqliteWriter writer) {
    return writer.outsideTransaction("cache_size", c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA cache_size")) {
        rs.next();
        return -rs.getInt(1);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
