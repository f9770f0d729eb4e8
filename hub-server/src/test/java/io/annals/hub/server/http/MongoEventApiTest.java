package io.annals.hub.server.http;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.MongoEventStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The HTTP contract on the MongoDB adapter, against mongo-java-server (an in-JVM test double of MongoDB). */
class MongoEventApiTest extends EventApiContract {

  private static MongoServer server;
  private static String uri;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @BeforeAll
  static void start_mongo() {
    server = new MongoServer(new MemoryBackend());
    uri = server.bindAndGetConnectionString();
  }

  @AfterAll
  static void stop_mongo() {
    server.shutdownNow();
  }

  @Override
  Store newStore(Path dir) {
    // A database per test keeps tests apart without restarting the server.
    return Store.of(MongoEventStore.connect(uri, "api" + DATABASES.incrementAndGet()));
  }
}
