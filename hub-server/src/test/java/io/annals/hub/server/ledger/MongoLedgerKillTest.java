package io.annals.hub.server.ledger;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.annals.hub.server.store.mongo.InJvmMongo;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ledger's SIGKILL case on MongoDB: the child hub talks to the in-JVM wire-protocol server of
 * this test JVM, which outlives the killed hub as a database server would. The restarted hub takes
 * the appender lease left by the killed one (it expires) and continues the same tree.
 */
class MongoLedgerKillTest extends LedgerKillContract {

  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();

  @Override
  List<String> storeArgs() {
    return List.of("--store", "mongodb", "--mongodb-uri", mongo.uri(), "--mongodb-database", "ledgerkill");
  }

  @Override
  int storedEvents() {
    try (MongoClient client = MongoClients.create(mongo.uri())) {
      return (int) client.getDatabase("ledgerkill").getCollection("events").countDocuments();
    }
  }
}
