package io.annals.hub.server.store.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerTamperContract;
import io.annals.hub.server.store.Store;
import org.bson.Document;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tampering with the {@code events} collection directly, on mongo-java-server. */
class InJvmMongoLedgerTamperTest extends LedgerTamperContract {

  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();

  @Override
  protected Store openStore() {
    return Store.of(mongo.newStore("tamper"));
  }

  @Override
  protected Ledger openLedger(Store store) {
    return new MongoLedger(((MongoEventStore) store.resources()).database());
  }

  private com.mongodb.client.MongoCollection<Document> events() {
    return ((MongoEventStore) store.resources()).database().getCollection(MongoEventStore.EVENTS);
  }

  @Override
  protected void setPayload(String id, String payloadJson) {
    events().updateOne(Filters.eq("_id", id), Updates.set(EventDocuments.PAYLOAD, payloadJson));
  }

  @Override
  protected void overwriteNode(int level, long index, byte[] hash) {
    long id = level * (1L << 56) + index; // MongoLedger's key of a subtree hash
    long changed = ((MongoEventStore) store.resources()).database().getCollection("ledger_nodes")
        .updateOne(Filters.eq("_id", id), Updates.set("hash", new org.bson.types.Binary(hash))).getModifiedCount();
    if (changed != 1) {
      throw new AssertionError("no ledger node " + level + "/" + index);
    }
  }

  @Override
  protected void delete(String id) {
    events().deleteOne(Filters.eq("_id", id));
  }

  @Override
  protected void setReceivedAt(String id, long epochMicros) {
    events().updateOne(Filters.eq("_id", id), Updates.set(EventDocuments.RECEIVED_AT, epochMicros));
  }
}
