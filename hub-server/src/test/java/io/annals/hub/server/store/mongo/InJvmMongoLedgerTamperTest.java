package io.annals.hub.server.store.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerTamperContract;
import io.annals.hub.server.store.EventStore;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tampering with the {@code events} collection directly, on mongo-java-server. */
class InJvmMongoLedgerTamperTest extends LedgerTamperContract {

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
    return MongoEventStore.connect(uri, "tamper-" + UUID.randomUUID());
  }

  @Override
  protected Ledger openLedger(EventStore store) {
    return new MongoLedger(((MongoEventStore) store).database());
  }

  private com.mongodb.client.MongoCollection<Document> events() {
    return ((MongoEventStore) store).database().getCollection(MongoEventStore.EVENTS);
  }

  @Override
  protected void setPayload(String id, String payloadJson) {
    events().updateOne(Filters.eq("_id", id), Updates.set(EventDocuments.PAYLOAD, payloadJson));
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
