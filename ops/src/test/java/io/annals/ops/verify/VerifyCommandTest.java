package io.annals.ops.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.server.Hub;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify} against what a real hub answered, saved to files, and against those files changed. */
class VerifyCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Hub hub;
  final HttpClient http = HttpClient.newHttpClient();

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void start_hub() throws Exception {
    Path data = Files.createDirectories(dir.resolve("hub"));
    HubConfig config = HubConfig.load(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", data.toString(), "HUB_FEED_LAG", "100ms"), new String[0]);
    hub = Hub.start(config, Store.of(SqliteEventStore.open(data)), Clock.systemUTC());
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  private List<String> publish(int n) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = UUID.randomUUID().toString();
      String event = "{\"id\":\"" + id + "\",\"meta\":{\"service\":\"billing\",\"type\":\"invoice-paid\",\"created_at\":\"2026-01-01T12:00:00Z\","
          + "\"aggregate_id\":\"invoice/" + i + "\"},\"payload\":{\"amount\":3.0000,\"email\":\"p" + i + "@example.com\"}}";
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/events"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(201);
      ids.add(id);
    }
    return ids;
  }

  private Path digestOfSize(long size, String name) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (JSON.readTree(get("/ledger/digest")).get("tree_size").asLong() < size) {
      assertThat(Instant.now()).as("the ledger reaches " + size + " leaves").isBefore(deadline);
      Thread.sleep(20);
    }
    return save(name, get("/ledger/digest"));
  }

  private Path save(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private Run verify(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new VerifyCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void an_event_and_its_proof_verify_against_a_saved_digest_and_a_changed_byte_does_not() throws Exception {
    List<String> ids = publish(5);
    Path digest = digestOfSize(5, "digest.json");
    Path key = save("key.json", get("/ledger/key"));
    String id = ids.get(3);
    String eventText = get("/events/" + id);
    Path event = save("event.json", eventText);
    Path proof = save("proof.json", get("/ledger/proof/inclusion?id=" + id + "&tree_size=5"));

    Run ok = verify("event", "--event", event.toString(), "--proof", proof.toString(), "--digest", digest.toString(), "--key", key.toString());
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).startsWith("valid: event " + id + " is leaf ");

    // One byte of the payload changed ("3.0000" to "3.0001"): not the event the ledger holds.
    Path changed = save("changed.json", eventText.replace("3.0000", "3.0001"));
    Run bad = verify("event", "--event", changed.toString(), "--proof", proof.toString(), "--digest", digest.toString(), "--key", key.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.out()).startsWith("invalid: the event's leaf hash");

    // A digest whose root was changed no longer carries a valid signature.
    JsonNode d = JSON.readTree(Files.readString(digest));
    String root = d.get("root_hash").asText();
    Path forged = save("forged.json", Files.readString(digest).replace(root, (root.charAt(0) == '0' ? "1" : "0") + root.substring(1)));
    Run unsigned = verify("event", "--event", event.toString(), "--proof", proof.toString(), "--digest", forged.toString(), "--key", key.toString());
    assertThat(unsigned.exit()).isEqualTo(1);
    assertThat(unsigned.out()).contains("signature does not verify");

    // Another event's proof does not prove this event.
    Path other = save("other.json", get("/ledger/proof/inclusion?id=" + ids.get(1) + "&tree_size=5"));
    assertThat(verify("event", "--event", event.toString(), "--proof", other.toString(), "--digest", digest.toString(), "--key", key.toString())
        .exit()).isEqualTo(1);
  }

  @Test
  void a_cloudevent_with_extensions_verifies_and_a_changed_extension_does_not() throws Exception {
    String ce = "{\"specversion\":\"1.0\",\"id\":\"A234-1234-1234\",\"source\":\"billing\",\"type\":\"invoice-paid\","
        + "\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\",\"data\":{\"amount\":3.0000}}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/events"))
        .header("Content-Type", "application/cloudevents+json").POST(HttpRequest.BodyPublishers.ofString(ce)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    String id = JSON.readTree(r.body()).get("id").asText();
    Path digest = digestOfSize(1, "digest.json");
    Path key = save("key.json", get("/ledger/key"));
    String eventText = get("/events/" + id);
    Path event = save("event.json", eventText);
    Path proof = save("proof.json", get("/ledger/proof/inclusion?id=" + id + "&tree_size=1"));

    Run ok = verify("event", "--event", event.toString(), "--proof", proof.toString(), "--digest", digest.toString(), "--key", key.toString());
    Path changed = save("changed.json", eventText.replace("b7ad6b7169203331-01", "b7ad6b7169203331-00"));
    Run bad = verify("event", "--event", changed.toString(), "--proof", proof.toString(), "--digest", digest.toString(), "--key", key.toString());

    assertThat(eventText).contains("\"extensions\"");
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.out()).startsWith("invalid: the event's leaf hash");
  }

  @Test
  void a_later_digest_verifies_as_an_extension_of_an_earlier_one_and_not_the_other_way_round() throws Exception {
    publish(3);
    Path older = digestOfSize(3, "old.json");
    publish(6);
    Path newer = digestOfSize(9, "new.json");
    Path key = save("key.json", get("/ledger/key"));
    Path proof = save("proof.json", get("/ledger/proof/consistency?from=3&to=9"));

    Run ok = verify("consistency", "--old", older.toString(), "--new", newer.toString(), "--proof", proof.toString(), "--key", key.toString());
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).startsWith("valid: the tree of 9 leaves");

    Run swapped = verify("consistency", "--old", newer.toString(), "--new", older.toString(), "--proof", proof.toString(), "--key", key.toString());
    assertThat(swapped.exit()).isEqualTo(1);

    // A proof with one hash changed.
    String text = Files.readString(proof);
    JsonNode first = JSON.readTree(text).get("proof").get(0);
    String h = first.asText();
    Path tampered = save("tampered.json", text.replace(h, (h.charAt(0) == 'a' ? "b" : "a") + h.substring(1)));
    Run bad = verify("consistency", "--old", older.toString(), "--new", newer.toString(), "--proof", tampered.toString(), "--key", key.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.out()).startsWith("invalid: the tree of 9 leaves is not");
  }

  @Test
  void a_store_verifies_leaf_by_leaf_and_a_changed_row_is_named_by_its_leaf() throws Exception {
    List<String> ids = publish(4);
    digestOfSize(4, "digest.json");
    Path data = dir.resolve("hub");
    Run ok = verify("store", "--data-dir", data.toString());
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("all 4 leaves");

    hub.close();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("events.db"))) {
      c.createStatement().executeUpdate("UPDATE events SET payload = replace(payload, '3.0000', '3.0001') WHERE id = '" + ids.get(2) + "'");
    }
    Run bad = verify("store", "--data-dir", data.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.out()).startsWith("invalid: leaf ").contains(ids.get(2)).contains("changed");
    hub = Hub.start(HubConfig.load(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", data.toString()), new String[0]),
        Store.of(SqliteEventStore.open(data)), Clock.systemUTC());
  }

  @Test
  void usage_errors_exit_2_and_say_what_is_wrong() throws Exception {
    assertThat(verify().exit()).isEqualTo(2);
    Run unknown = verify("everything");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown check \"everything\"");
    Run missing = verify("event", "--event", "e.json");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("--proof is required");
    Path notJson = save("not.json", "hello");
    Run unreadable = verify("consistency", "--old", notJson.toString(), "--new", notJson.toString(), "--proof", notJson.toString(),
        "--key", notJson.toString());
    assertThat(unreadable.exit()).isEqualTo(2);
    assertThat(unreadable.err()).contains("not JSON");
    assertThat(verify("consistency", "--old", "a", "--colour", "red").err()).contains("unknown option \"--colour\"");
    assertThat(verify("store").err()).contains("give one of --data-dir or --mongodb-uri");
    Run empty = verify("store", "--data-dir", dir.resolve("nothing").toString());
    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.err()).contains("holds no events.db");
  }
}
