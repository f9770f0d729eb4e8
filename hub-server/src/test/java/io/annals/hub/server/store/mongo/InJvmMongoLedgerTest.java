package io.annals.hub.server.store.mongo;

import de.bwaldvogel.mongo.MongoServer;
import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerContract;
import io.annals.hub.server.store.EventStore;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ledger contract on mongo-java-server (an in-JVM MongoDB wire-protocol test double). */
class InJvmMongoLedgerTest extends LedgerContract {

  private static MongoServer server;
  private static String uri;

  @BeforeAll
  static void start_the_server() {
    server = new MongoServer(new HelloBackend());
    uri = server.bindAndGetConnectionString();
  }

  @AfterAll
  static void stop_the_server() {
    server.shutdownNow();
  }

  @Override
  protected EventStore openStore() {
    return MongoEventStore.connect(uri, "ledger-" + UUID.randomUUID());
  }

  @Override
  protected boolean sharedByInstances() {
    return true;
  }

  @Override
  protected Ledger openLedger(EventStore store) {
    return new MongoLedger(((MongoEventStore) store).database());
  }
}
