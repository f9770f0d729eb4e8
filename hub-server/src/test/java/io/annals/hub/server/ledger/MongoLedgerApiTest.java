package io.annals.hub.server.ledger;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.mongo.MongoEventStore;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ledger endpoints on a hub over mongo-java-server (an in-JVM MongoDB test double). */
class MongoLedgerApiTest extends LedgerApiContract {

  private static MongoServer server;
  private static String uri;

  @BeforeAll
  static void start_the_server() {
    server = new MongoServer(new MemoryBackend());
    uri = server.bindAndGetConnectionString();
  }

  @AfterAll
  static void stop_the_server() {
    server.shutdownNow();
  }

  @Override
  protected TestHub startHub(Path dataDir) {
    return TestHub.start(MongoEventStore.connect(uri, "ledger-api-" + UUID.randomUUID()), dataDir, UnaryOperator.identity());
  }
}
