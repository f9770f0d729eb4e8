package io.annals.hub.server.ledger;

import io.annals.hub.server.store.Store;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.mongo.InJvmMongo;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ledger endpoints on a hub over mongo-java-server (an in-JVM MongoDB test double). */
class MongoLedgerApiTest extends LedgerApiContract {

  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();

  @Override
  protected TestHub startHub(Path dataDir) {
    return TestHub.start(Store.of(mongo.newStore("ledger-api")), dataDir, UnaryOperator.identity());
  }
}
