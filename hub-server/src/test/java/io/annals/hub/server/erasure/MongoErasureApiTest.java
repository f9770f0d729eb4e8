package io.annals.hub.server.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.InJvmMongo;
import io.annals.hub.server.store.mongo.MongoEventStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Erasure on a hub over mongo-java-server (an in-JVM MongoDB test double), and what its documents hold after. */
class MongoErasureApiTest extends ErasureApiContract {

  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();

  private MongoEventStore store;

  @Override
  protected TestHub startHub(Path dataDir) {
    store = mongo.newStore("erasure-api");
    return TestHub.start(Store.of(store), dataDir, UnaryOperator.identity());
  }

  @Test
  void after_an_erasure_no_document_of_the_database_holds_the_erased_email_or_name() {
    try (TestHub hub = startHub(dir)) {
      List<String> ids = publishPersonal(hub, 5);
      awaitTree(hub, 5);
      MongoDatabase db = store.database();
      assertThat(documentsHolding(db, EMAIL)).isNotEmpty();

      erase(hub, "{\"ids\":[\"" + ids.get(0) + "\"],\"pointers\":[\"/email\",\"/name\"],\"reason\":\"GDPR request 4711\"}");

      assertThat(documentsHolding(db, EMAIL)).isEmpty();
      assertThat(documentsHolding(db, NAME)).isEmpty();
      assertThat(documentsHolding(db, "other1@example.com")).isNotEmpty();
      assertThat(hub.get("/events/" + ids.get(0)).body()).contains("annals:erased");
    }
  }

  /** Every document of every collection, as extended JSON, that contains {@code text}. */
  static List<String> documentsHolding(MongoDatabase db, String text) {
    List<String> found = new ArrayList<>();
    for (String name : db.listCollectionNames()) {
      for (Document d : db.getCollection(name).find()) {
        String json = d.toJson();
        if (json.contains(text)) {
          found.add(name + ": " + json);
        }
      }
    }
    return found;
  }
}
