package io.annals.hub.server.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Erasure on the embedded store; and the byte-level proof that the values left the data directory. */
class SqliteErasureApiTest extends ErasureApiContract {

  @Override
  protected TestHub startHub(Path dataDir) {
    return TestHub.sqlite(dataDir);
  }

  @Test
  void after_an_erasure_no_byte_of_the_data_directory_holds_the_erased_email_or_name() throws Exception {
    try (TestHub hub = startHub(dir)) {
      // Enough events that pages split and move cells around, the person's among the first and throughout.
      String target = TestEvents.newId();
      assertThat(hub.postJson(personal(target, EMAIL, NAME).toString()).statusCode()).isEqualTo(201);
      List<String> theirs = new ArrayList<>(List.of(target));
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < 3000; i++) {
        String id = TestEvents.newId();
        boolean hers = i % 500 == 0;
        ObjectNode e = personal(id, hers ? EMAIL : "someone" + i + "@example.com", hers ? NAME : "Someone " + i);
        e.with("meta").put("aggregate_id", hers ? "customer/7" : "customer/" + (100 + i));
        e.with("payload").put("note", "x".repeat(i % 7 == 0 ? 3000 : 20)); // some rows overflow their page
        if (hers) {
          theirs.add(id);
        }
        batch.append(i % 200 == 0 ? "" : ",").append(e);
        if (i % 200 == 199) {
          assertThat(hub.postJson(batch.append("]").toString()).statusCode()).isEqualTo(200);
          batch = new StringBuilder("[");
        }
      }
      awaitTree(hub, 3001);
      // The search can fail: before the erasure both values are in the files.
      assertThat(filesHolding(dir, EMAIL)).isNotEmpty();
      assertThat(filesHolding(dir, NAME)).isNotEmpty();

      erase(hub, "{\"aggregate_id\":\"customer/7\",\"pointers\":[\"/email\",\"/name\"],\"reason\":\"GDPR request 4711\"}");

      assertThat(filesHolding(dir, EMAIL)).as("files holding the e-mail while the hub runs").isEmpty();
      assertThat(filesHolding(dir, NAME)).as("files holding the name while the hub runs").isEmpty();
      for (String id : theirs) {
        assertThat(hub.get("/events/" + id).body()).contains("annals:erased").contains("3.0000/EUR");
      }
    }
    assertThat(filesHolding(dir, EMAIL)).as("files holding the e-mail after shutdown").isEmpty();
    assertThat(filesHolding(dir, NAME)).as("files holding the name after shutdown").isEmpty();
    assertThat(filesHolding(dir, "someone2999@example.com")).as("what was not erased is still there").isNotEmpty();
  }

  @Test
  void an_erasure_recorded_but_not_applied_when_the_hub_stopped_is_finished_at_the_next_start() {
    // As a hub killed between an erasure's record and its rewrite leaves the store.
    String id = TestEvents.newId();
    String other = TestEvents.newId();
    try (TestHub hub = startHub(dir)) {
      assertThat(hub.postJson(personal(id, EMAIL, NAME).toString()).statusCode()).isEqualTo(201);
      assertThat(hub.postJson(personal(other, "other@example.com", "Other").toString()).statusCode()).isEqualTo(201);
      awaitTree(hub, 2);
    }
    try (io.annals.hub.server.store.Store store = io.annals.hub.server.store.Store.of(
        io.annals.hub.server.store.sqlite.SqliteEventStore.open(dir))) {
      store.erasures().record(new io.annals.hub.server.store.ErasureRecord("er-half", java.time.Instant.now(),
          "ops", "half done", List.of("/email", "/name"), List.of(id)));
    }
    assertThat(filesHolding(dir, EMAIL)).isNotEmpty();

    try (TestHub hub = startHub(dir)) {
      var payload = TestEvents.parse(hub.get("/events/" + id).body()).get("payload");
      assertThat(payload.get("email").get("annals:erased").get("erasure_id").asText()).isEqualTo("er-half");
      assertThat(filesHolding(dir, EMAIL)).isEmpty();
      assertThat(filesHolding(dir, NAME)).isEmpty();
      io.annals.hub.server.Await.until("the erasure-applied event is in the feed",
          () -> getJson(hub, "/feed?types=erasure-applied").get("events").size() == 1);
    }
    try (TestHub hub = startHub(dir)) {
      // Started again: nothing more to do, and no second feed event.
      awaitTree(hub, 3);
      assertThat(getJson(hub, "/feed?types=erasure-applied").get("events")).hasSize(1);
    }
  }

  /** Every file under {@code dir} (events.db, -wal, -shm, journals, ledger.db, ...) whose bytes contain {@code text} as UTF-8. */
  static List<Path> filesHolding(Path dir, String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> contains(read(f), needle)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path f) {
    try {
      return Files.readAllBytes(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Test
  void only_an_admin_key_may_erase_or_read_erasures() throws IOException {
    Path keys = TestApiKeys.write(Files.createDirectories(dir.resolve("keys")));
    try (TestHub hub = TestHub.configured(dir, Map.of("HUB_API_KEYS_FILE", keys.toString()))) {
      String id = TestEvents.newId();
      String other = TestEvents.newId();
      for (String e : List.of(id, other)) {
        HttpResponse<String> r = hub.send(HttpRequest.newBuilder(hub.uri("/events"))
            .header("Content-Type", "application/json").header("Authorization", TestApiKeys.bearer(TestApiKeys.PRODUCER))
            .POST(HttpRequest.BodyPublishers.ofString(personal(e, EMAIL, NAME).toString())).build());
        assertThat(r.statusCode()).isEqualTo(201);
      }
      String body = "{\"ids\":[\"" + id + "\"],\"pointers\":[\"/email\"],\"reason\":\"r\"}";
      assertThat(postErasure(hub, body, TestApiKeys.PRODUCER).statusCode()).isEqualTo(403);
      assertThat(postErasure(hub, body, TestApiKeys.READER).statusCode()).isEqualTo(403);
      assertThat(postErasure(hub, body, null).statusCode()).isEqualTo(401);
      for (String key : List.of(TestApiKeys.PRODUCER, TestApiKeys.READER)) {
        for (String path : List.of("/erasures", "/erasures/x")) {
          assertThat(hub.send(HttpRequest.newBuilder(hub.uri(path)).header("Authorization", TestApiKeys.bearer(key)).GET().build())
              .statusCode()).as(path).isEqualTo(403);
        }
      }
      assertThat(hub.get("/events/" + id).statusCode()).isEqualTo(401);

      HttpResponse<String> admin = postErasure(hub, body, TestApiKeys.ADMIN);
      assertThat(admin.statusCode()).as(admin.body()).isEqualTo(201);
      assertThat(TestEvents.parse(admin.body()).get("requested_by").asText()).isEqualTo("ops");
      HttpResponse<String> list = hub.send(HttpRequest.newBuilder(hub.uri("/erasures"))
          .header("Authorization", TestApiKeys.bearer(TestApiKeys.ADMIN)).GET().build());
      assertThat(list.statusCode()).isEqualTo(200);

      // Nobody may write as the hub's own service: a forged erasure-applied event would make projections drop data.
      ObjectNode forged = TestEvents.node(TestEvents.newId());
      forged.with("meta").put("service", "annals").put("type", "erasure-applied");
      HttpResponse<String> r = hub.send(HttpRequest.newBuilder(hub.uri("/events"))
          .header("Content-Type", "application/json").header("Authorization", TestApiKeys.bearer(TestApiKeys.ADMIN))
          .POST(HttpRequest.BodyPublishers.ofString(forged.toString())).build());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }
  }
}
