package io.annals.ops.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.server.Hub;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code send} against a real hub (embedded store, in this JVM). */
class SendCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID_1 = "0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11";
  private static final String ID_2 = "0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a12";
  private static final String WITH_ID_AND_SERVICE = "{\"id\":\"" + ID_1 + "\",\"meta\":{\"service\":\"shop\","
      + "\"type\":\"order-placed\",\"created_at\":\"2026-01-01T12:00:00Z\",\"aggregate_id\":\"order/1\"},"
      + "\"payload\":{\"total\":\"10.50/EUR\"}}";
  private static final String WITHOUT_SERVICE = "{\"id\":\"" + ID_2 + "\",\"meta\":{\"type\":\"order-paid\","
      + "\"created_at\":\"2026-01-01T12:01:00Z\",\"aggregate_id\":\"order/1\"},\"payload\":{}}";

  @TempDir Path dir;
  Hub hub;
  String hubUrl;
  final HttpClient http = HttpClient.newHttpClient();

  /** One run of send: its exit code and what it printed. */
  record Run(int exit, String out, String err) {}

  @BeforeEach
  void start_hub() throws Exception {
    Path data = Files.createDirectories(dir.resolve("hub"));
    HubConfig config = HubConfig.load(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", data.toString()), new String[0]);
    hub = Hub.start(config, Store.of(SqliteEventStore.open(data)), Clock.systemUTC());
    hubUrl = "http://127.0.0.1:" + hub.port();
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  private Run send(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new SendCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of()).run(args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String[] to(String hubUrl, String... more) {
    String[] base = {"--hub", hubUrl, "--service", "billing", "--spool", dir.resolve("spool").toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private JsonNode stored(String id) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(hubUrl + "/events/" + id)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as("GET /events/" + id).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private static String downHub() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort(); // nothing listens there once closed
    }
  }

  @Test
  void every_line_is_delivered_keeping_its_id_and_a_missing_service_is_filled() throws Exception {
    Run run = send(WITH_ID_AND_SERVICE + "\n\n" + WITHOUT_SERVICE + "\n", to(hubUrl));

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("spooled 2 events; delivered 2 created, 0 duplicate; 0 dead-lettered");
    assertThat(stored(ID_1).path("meta").path("service").asText()).isEqualTo("shop");
    assertThat(stored(ID_1).path("payload").path("total").asText()).isEqualTo("10.50/EUR");
    assertThat(stored(ID_2).path("meta").path("service").asText()).isEqualTo("billing");
  }

  @Test
  void sending_the_same_file_again_is_idempotent() {
    String file = WITH_ID_AND_SERVICE + "\n" + WITHOUT_SERVICE + "\n";
    assertThat(send(file, to(hubUrl)).exit()).isZero();

    Run again = send(file, to(hubUrl));

    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("delivered 0 created, 2 duplicate");
  }

  @Test
  void bad_lines_are_named_by_number_and_the_good_ones_still_delivered() throws Exception {
    Run run = send(WITH_ID_AND_SERVICE + "\nnot json\n{\"meta\":{\"aggregate_id\":\"order/2\"}}\n" + WITHOUT_SERVICE,
        to(hubUrl));

    assertThat(run.exit()).isEqualTo(SendCommand.BAD_LINES);
    assertThat(run.err()).contains("line 2: not JSON").contains("line 3: meta.type is missing")
        .contains("2 bad lines were not sent");
    stored(ID_1);
    stored(ID_2);
  }

  @Test
  void a_conflicting_event_is_dead_lettered_counted_and_fails_the_run() throws Exception {
    assertThat(send(WITH_ID_AND_SERVICE, to(hubUrl)).exit()).isZero();

    Run run = send(WITH_ID_AND_SERVICE.replace("10.50/EUR", "99.00/EUR"), to(hubUrl));

    assertThat(run.exit()).isEqualTo(SendCommand.BAD_LINES);
    assertThat(run.out()).contains("1 dead-lettered (1 conflict) in");
    assertThat(run.err()).contains("send: 1 events dead-lettered; see ");
    assertThat(Files.readString(dir.resolve("spool").resolve("dead-letters.jsonl")))
        .contains("\"reason\":\"conflict\"").contains("99.00/EUR");
  }

  @Test
  void no_wait_returns_once_spooled_and_the_next_send_delivers_what_is_waiting() throws Exception {
    Run spooled = send(WITH_ID_AND_SERVICE + "\n" + WITHOUT_SERVICE, to(downHub(), "--no-wait"));

    assertThat(spooled.exit()).as(spooled.err()).isZero();
    assertThat(spooled.out()).contains("spooled 2 events");

    Run delivered = send("", to(hubUrl));

    assertThat(delivered.exit()).isZero();
    assertThat(delivered.out()).contains("delivered 2 created");
    stored(ID_1);
  }

  @Test
  void events_still_undelivered_at_the_timeout_exit_non_zero_with_their_count() throws Exception {
    Run run = send(WITH_ID_AND_SERVICE + "\n" + WITHOUT_SERVICE, to(downHub(), "--timeout", "1"));

    assertThat(run.exit()).isEqualTo(SendCommand.NOT_DELIVERED);
    assertThat(run.err()).contains("2 events not delivered within 1s; they stay in");
  }

  @Test
  void missing_and_unknown_options_are_named() {
    Run missing = send("", "--service", "billing", "--spool", dir.toString());
    Run unknown = send("", to(hubUrl, "--fast"));

    assertThat(missing.exit()).isEqualTo(SendCommand.USAGE);
    assertThat(missing.err()).contains("--hub URL is required").contains("usage: send");
    assertThat(unknown.err()).contains("unknown option --fast");
  }
}
