package io.annals.ops.catalog;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annals-ops catalog} against a real hub. */
class CatalogCommandTest {

  @TempDir Path dir;
  Hub hub;
  final HttpClient http = HttpClient.newHttpClient();

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void start_hub() throws Exception {
    Path data = Files.createDirectories(dir.resolve("hub"));
    HubConfig config = HubConfig.load(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", data.toString()), new String[0]);
    hub = Hub.start(config, Store.of(SqliteEventStore.open(data)), Clock.systemUTC());
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  private void send(String method, String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path))
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isLessThan(300);
  }

  private Run catalog(Map<String, String> env, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new CatalogCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env)
        .run(args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void prints_every_stored_type_with_its_count_and_schema_as_a_table() throws Exception {
    for (int i = 0; i < 3; i++) {
      send("POST", "/events", "{\"id\":\"" + UUID.randomUUID() + "\",\"meta\":{\"service\":\"billing\",\"type\":\""
          + (i < 2 ? "invoice-paid" : "invoice-sent") + "\",\"created_at\":\"2026-01-01T12:00:00Z\",\"aggregate_id\":\"invoice/1\"},"
          + "\"payload\":{\"amount\":3}}");
    }
    send("PUT", "/schemas/billing/invoice-paid", "{\"schema\":{\"type\":\"object\"},\"mode\":\"quarantine\"}");

    Run run = catalog(Map.of(), "--hub", "http://127.0.0.1:" + hub.port() + "/");

    assertThat(run.exit()).as(run.err()).isZero();
    String[] lines = run.out().split("\n");
    assertThat(lines[0]).startsWith("SERVICE").contains("TYPE", "COUNT", "LAST HOUR", "FIRST RECEIVED", "LAST RECEIVED", "SCHEMA");
    assertThat(lines[1]).matches("billing\\s+invoice-paid\\s+2\\s+2\\s+\\S+Z\\s+\\S+Z\\s+v1 quarantine");
    assertThat(lines[2]).matches("billing\\s+invoice-sent\\s+1\\s+1\\s+\\S+Z\\s+\\S+Z\\s+-");
    assertThat(lines[3]).isEqualTo("2 types, 3 events");
  }

  @Test
  void bad_options_exit_2_and_an_unreachable_hub_69() throws Exception {
    assertThat(catalog(Map.of()).exit()).isEqualTo(2);
    assertThat(catalog(Map.of(), "--hub").exit()).isEqualTo(2);
    assertThat(catalog(Map.of(), "--hub", "ftp://x").exit()).isEqualTo(2);
    assertThat(catalog(Map.of(), "--bogus").exit()).isEqualTo(2);
    int closed = hub.port();
    hub.close();
    Run down = catalog(Map.of(), "--hub", "http://127.0.0.1:" + closed);
    assertThat(down.exit()).isEqualTo(69);
    assertThat(down.err()).contains("cannot reach");
    hub = Hub.start(HubConfig.load(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", dir.resolve("hub").toString()), new String[0]),
        Store.of(SqliteEventStore.open(dir.resolve("hub"))), Clock.systemUTC());
  }
}
