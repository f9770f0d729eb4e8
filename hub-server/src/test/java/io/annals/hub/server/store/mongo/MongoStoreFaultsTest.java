package io.annals.hub.server.store.mongo;

import static io.annals.hub.server.store.TestEvents.T0;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoClientException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.WriteError;
import com.mongodb.ServerAddress;
import de.bwaldvogel.mongo.MongoServer;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.StoreCorruptException;
import io.annals.hub.server.store.StoreUnavailableException;
import java.util.List;
import org.bson.BSONException;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** MongoDB's damage errors translated as SQLite's are, and the clock's high mark kept in MongoDB. */
class MongoStoreFaultsTest {

  @Test
  void data_corruption_detected_from_the_server_is_a_store_corrupt_failure() {
    MongoCommandException damaged = new MongoCommandException(BsonDocument.parse(
        "{ok: 0, code: 9999, codeName: 'DataCorruptionDetected', errmsg: 'checksum mismatch'}"), new ServerAddress());

    assertThat(MongoErrors.translate("find of event x", damaged))
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining("damaged data")
        .hasMessageContaining("find of event x");
  }

  @Test
  void a_document_the_driver_cannot_decode_is_a_store_corrupt_failure() {
    assertThatThrownBy(() -> MongoErrors.call("query of events", () -> {
      throw new BSONException("unexpected end of document");
    })).isInstanceOf(StoreCorruptException.class).hasMessageContaining("query of events");
  }

  @Test
  void a_server_error_of_a_transient_code_or_labelled_retryable_is_an_outage_and_a_client_error_never_is() {
    MongoCommandException shuttingDown = new MongoCommandException(BsonDocument.parse(
        "{ok: 0, code: 11600, codeName: 'InterruptedAtShutdown', errmsg: 'shutting down'}"), new ServerAddress());
    MongoCommandException labelled = new MongoCommandException(BsonDocument.parse(
        "{ok: 0, code: 2, codeName: 'BadValue', errmsg: 'x', errorLabels: ['RetryableWriteError']}"), new ServerAddress());
    MongoClientException misconfigured = new MongoClientException("authentication failed");
    misconfigured.addLabel("RetryableWriteError");

    assertThat(MongoErrors.isTransient(shuttingDown)).isTrue();
    assertThat(MongoErrors.isTransient(labelled)).isTrue();
    assertThat(MongoErrors.isTransient(misconfigured)).as("client-side, whatever its labels").isFalse();
    assertThat(MongoErrors.translate("find", shuttingDown)).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void other_server_errors_are_not_called_damage() {
    MongoCommandException other = new MongoCommandException(BsonDocument.parse(
        "{ok: 0, code: 2, codeName: 'BadValue', errmsg: 'bad'}"), new ServerAddress());

    assertThat(MongoErrors.translate("find", other)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void a_write_error_without_a_code_name_is_translated_with_its_cause_not_a_null_pointer() {
    // A duplicate key (the appender lease's upsert, a retried insert) comes as a write error that
    // carries a code but no code name.
    MongoWriteException duplicate = new MongoWriteException(
        new WriteError(11000, "E11000 duplicate key error", new BsonDocument()), new ServerAddress());

    RuntimeException translated = MongoErrors.translate("lease of the ledger's appender", duplicate);

    assertThat(translated).isInstanceOf(IllegalStateException.class).hasCause(duplicate);
  }

  @Test
  void the_high_mark_is_the_newest_received_at_or_the_highest_heartbeat_and_outlives_retirement() {
    MongoServer server = new MongoServer(new HelloBackend());
    try (MongoEventStore store = MongoEventStore.connect(server.bindAndGetConnectionString(), "highmark")) {
      assertThat(store.clockHighMark()).isNull();

      store.publishWatermark(new InstanceWatermark("hub-a", T0.plusSeconds(3000), T0.plusSeconds(3600)));
      store.publishWatermark(new InstanceWatermark("hub-b", T0, T0.plusSeconds(100)));
      store.retireInstance("hub-a");
      assertThat(store.clockHighMark()).isEqualTo(T0.plusSeconds(3600));

      StoredEvent later = anEvent(1).receivedAt(T0.plusSeconds(7200)).build();
      store.append(List.of(later));
      assertThat(store.clockHighMark()).isEqualTo(T0.plusSeconds(7200));
    } finally {
      server.shutdownNow();
    }
  }
}
