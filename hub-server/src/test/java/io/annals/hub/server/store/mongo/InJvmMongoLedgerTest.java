package io.annals.hub.server.store.mongo;

import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerContract;
import io.annals.hub.server.store.Store;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ledger contract on mongo-java-server (an in-JVM MongoDB wire-protocol test double). */
class InJvmMongoLedgerTest extends LedgerContract {

  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();

  @Override
  protected Store openStore() {
    return Store.of(mongo.newStore("ledger"));
  }

  @Override
  protected boolean sharedByInstances() {
    return true;
  }

  @Override
  protected Ledger openLedger(Store store) {
    return new MongoLedger(((MongoEventStore) store.resources()).database());
  }
}
