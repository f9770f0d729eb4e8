package io.annals.ops.verify;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify store} after an erasure (issue 22, must show 2): the erased store still verifies
 * leaf by leaf; one where a value was changed instead of erased, or an erasure marker forged with
 * another digest, does not. The changes are made in the real {@code events.db}.
 */
class VerifyErasedStoreTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  private HttpResponse<String> send(Hub hub, String path, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path));
    r = body == null ? r.GET() : r.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int verifyStore(Path data, StringBuilder out) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = new VerifyCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8), new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .run(new String[] {"store", "--data-dir", data.toString()});
    out.append(bytes.toString(StandardCharsets.UTF_8));
    return exit;
  }

  @Test
  void an_erased_store_verifies_and_one_with_a_value_changed_instead_or_a_forged_marker_does_not() throws Exception {
    Path data = Files.createDirectories(dir.resolve("hub"));
    HubConfig config = HubConfig.load(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", data.toString(), "HUB_FEED_LAG", "100ms"), new String[0]);
    List<String> ids = new ArrayList<>();
    try (Hub hub = Hub.start(config, Store.of(SqliteEventStore.open(data)), Clock.systemUTC())) {
      for (int i = 0; i < 4; i++) {
        String id = UUID.randomUUID().toString();
        String event = "{\"id\":\"" + id + "\",\"meta\":{\"service\":\"billing\",\"type\":\"invoice-paid\",\"created_at\":\"2026-01-01T12:00:00Z\","
            + "\"aggregate_id\":\"invoice/" + i + "\"},\"payload\":{\"amount\":3.0000,\"email\":\"p" + i + "@example.com\",\"name\":\"P " + i + "\"}}";
        assertThat(send(hub, "/events", event).statusCode()).isEqualTo(201);
        ids.add(id);
      }
      awaitTree(hub, 4);
      HttpResponse<String> erased = send(hub, "/erasures", "{\"ids\":[\"" + ids.get(1) + "\",\"" + ids.get(2) + "\"],"
          + "\"pointers\":[\"/email\"],\"reason\":\"GDPR request 77\"}");
      assertThat(erased.statusCode()).as(erased.body()).isEqualTo(201);
      assertThat(send(hub, "/erasures", "{\"ids\":[\"" + ids.get(3) + "\"],\"reason\":\"whole payload\"}").statusCode()).isEqualTo(201);
      awaitTree(hub, 6); // the two erasure-applied events have their leaves too
    }
    StringBuilder ok = new StringBuilder();
    assertThat(verifyStore(data, ok)).as(ok.toString()).isZero();
    assertThat(ok.toString()).contains("all 6 leaves");

    // A value changed instead of erased: p1's e-mail is replaced by another address.
    String marker;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("events.db"))) {
      var rs = c.createStatement().executeQuery("SELECT payload FROM events WHERE id = '" + ids.get(1) + "'");
      rs.next();
      marker = rs.getString(1);
      assertThat(marker).contains("annals:erased").doesNotContain("p1@example.com");
      c.createStatement().executeUpdate("UPDATE events SET payload = '{\"amount\":3.0000,\"email\":\"someone@else.org\",\"name\":\"P 1\"}'"
          + " WHERE id = '" + ids.get(1) + "'");
    }
    StringBuilder changed = new StringBuilder();
    assertThat(verifyStore(data, changed)).isEqualTo(1);
    assertThat(changed.toString()).startsWith("invalid: leaf ").contains(ids.get(1));

    // A marker whose kept digest was changed: an erasure cannot be forged over another value either.
    String forged = marker.replaceFirst("\"digest\":\"(.)", "\"digest\":\"" + (marker.contains("\"digest\":\"0") ? "1" : "0"));
    assertThat(forged).isNotEqualTo(marker);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("events.db"))) {
      c.createStatement().executeUpdate("UPDATE events SET payload = '" + forged.replace("'", "''") + "' WHERE id = '" + ids.get(1) + "'");
    }
    StringBuilder forgedOut = new StringBuilder();
    assertThat(verifyStore(data, forgedOut)).isEqualTo(1);
    assertThat(forgedOut.toString()).startsWith("invalid: leaf ").contains(ids.get(1));

    // Put back as the erasure left it, the store verifies again.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("events.db"))) {
      c.createStatement().executeUpdate("UPDATE events SET payload = '" + marker.replace("'", "''") + "' WHERE id = '" + ids.get(1) + "'");
    }
    StringBuilder restored = new StringBuilder();
    assertThat(verifyStore(data, restored)).as(restored.toString()).isZero();
  }

  private void awaitTree(Hub hub, long size) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (JSON.readTree(send(hub, "/ledger/digest", null).body()).get("tree_size").asLong() < size) {
      assertThat(Instant.now()).as("the ledger reaches " + size + " leaves").isBefore(deadline);
      Thread.sleep(20);
    }
  }
}
