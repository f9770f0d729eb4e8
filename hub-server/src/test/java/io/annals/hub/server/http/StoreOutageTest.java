package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.annals.hub.server.Await;
import io.annals.hub.server.LoadClients;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store stops answering mid-load: clients get 503 with Retry-After (never a 500, never a hang),
 * and once the store is back ingestion resumes and every acknowledged event is there.
 */
class StoreOutageTest {

  @TempDir Path dir;

  @Test
  void sqlite_locked_by_another_connection_answers_503_and_resumes_with_nothing_lost() throws Exception {
    // Given a hub on SQLite under load from 8 clients
    SqliteEventStore store = SqliteEventStore.builder(dir).busyTimeout(Duration.ofMillis(300)).open();
    try (TestHub hub = TestHub.start(Store.of(store), dir, l -> l.withMaxWait(Duration.ofSeconds(3)))) {
      LoadClients load = new LoadClients(() -> hub.hub().port(), false).start(8);
      Await.until("50 events acknowledged", () -> load.acknowledgedCount() >= 50);

      // When another connection takes the database's write lock
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteEventStore.FILE_NAME));
          Statement sql = other.createStatement()) {
        sql.execute("BEGIN EXCLUSIVE");
        Await.until("clients told 503", () -> load.unavailableAnswers() >= 8);
        sql.execute("ROLLBACK");
      }
      int atRecovery = load.acknowledgedCount();
      Await.until("ingestion resumed", () -> load.acknowledgedCount() >= atRecovery + 50);
      load.stopAndJoin();

      // Then no wrong answers, and every acknowledged event is stored as sent
      assertThat(load.wrongAnswers()).isEmpty();
      assertAllStored(hub, load.acknowledged());
    }
  }

  @Test
  void mongodb_stopped_mid_load_answers_503_and_after_a_restart_nothing_is_lost() throws Exception {
    // Given a hub on a MongoDB (test double) whose data outlives a restart, under load
    MemoryBackend data = new KeepsDataBackend();
    MongoServer first = new MongoServer(data);
    InetSocketAddress address = first.bind();
    MongoEventStore store = MongoEventStore.builder("mongodb://127.0.0.1:" + address.getPort(), "outage")
        .serverSelectionTimeout(Duration.ofMillis(500))
        .connectTimeout(Duration.ofMillis(500))
        .socketTimeout(Duration.ofSeconds(1))
        .connect();
    MongoServer second = new MongoServer(data);
    try (TestHub hub = TestHub.start(Store.of(store), dir, l -> l.withMaxWait(Duration.ofSeconds(3)))) {
      LoadClients load = new LoadClients(() -> hub.hub().port(), false).start(8);
      Await.until("50 events acknowledged", () -> load.acknowledgedCount() >= 50);

      // When MongoDB stops, and later starts again on the same port with the same data
      first.shutdownNow();
      Await.until("clients told 503", () -> load.unavailableAnswers() >= 8);
      assertThat(hub.get("/health/ready").statusCode()).isEqualTo(503);
      second.bind(address.getHostString(), address.getPort());
      int atRecovery = load.acknowledgedCount();
      Await.until("ingestion resumed", () -> load.acknowledgedCount() >= atRecovery + 50);
      load.stopAndJoin();

      // Then no wrong answers, and every acknowledged event is stored as sent
      assertThat(load.wrongAnswers()).isEmpty();
      assertThat(hub.get("/health/ready").statusCode()).isEqualTo(200);
      assertAllStored(hub, load.acknowledged());
    } finally {
      second.shutdownNow();
    }
  }

  static void assertAllStored(TestHub hub, Map<String, String> acknowledged) {
    LoadClients.assertStoredAsSent(hub::get, acknowledged);
  }

  /** mongo-java-server clears its databases on shutdown; a restarted mongod keeps its data files. */
  private static final class KeepsDataBackend extends MemoryBackend {
    @Override
    public void close() {}
  }
}
