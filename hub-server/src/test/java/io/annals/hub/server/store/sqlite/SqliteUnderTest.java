package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.store.AdapterUnderTest;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.StoreFixture;
import java.nio.file.Path;
import java.time.Duration;

/** The embedded store for the port contracts: a data directory per test. */
public final class SqliteUnderTest implements AdapterUnderTest {

  // Short, so that a test of an unavailable store waits little; no contract test comes near it.
  static final Duration BUSY_TIMEOUT = Duration.ofMillis(300);

  @Override
  public StoreFixture fixture(Path tempDir) {
    Path dataDir = tempDir.resolve("data");
    return new StoreFixture() {
      @Override
      public Store open() {
        return Store.of(SqliteEventStore.builder(dataDir).busyTimeout(BUSY_TIMEOUT).open());
      }

      /** An embedded file has no server that could go away: closed, it answers nothing more. */
      @Override
      public void makeUnreachable(Store store) {
        store.close();
      }

      @Override
      public void close() {
        // The data directory is JUnit's to delete.
      }
    };
  }

  @Override
  public String toString() {
    return "embedded SQLite";
  }
}
