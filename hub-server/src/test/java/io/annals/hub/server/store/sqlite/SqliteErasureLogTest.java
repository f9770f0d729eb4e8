package io.annals.hub.server.store.sqlite;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An erasure on the embedded store leaves no copy of the erased value in the write-ahead log:
 * the rewrite is followed by a checkpoint that truncates the log (a surviving mutant dropped it,
 * docs/mutation.md). Whether the main file's free pages still hold it is another matter (see
 * docs/decisions.md on erasure); this test reads only {@code events.db-wal}.
 */
class SqliteErasureLogTest {

  static final String SECRET = "someone.secret@example.org";

  @TempDir Path dir;

  @Test
  void after_a_rewrite_the_write_ahead_log_holds_no_copy_of_the_erased_value() throws IOException {
    try (SqliteEventStore store = SqliteEventStore.open(dir)) {
      store.append(List.of(anEvent(1).payload("{\"email\":\"" + SECRET + "\",\"amount\":\"1.00\"}").build()));
      Path wal = dir.resolve(SqliteEventStore.FILE_NAME + "-wal");
      assertThat(contains(wal, SECRET)).as("the append went through the log").isTrue();

      store.erasures().rewritePayloads(Map.of(id(1), "{\"email\":{\"annals:erased\":{}},\"amount\":\"1.00\"}"));

      assertThat(contains(wal, SECRET)).isFalse();
    }
  }

  private static boolean contains(Path file, String text) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
  }
}
