package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.Hub;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/**
 * A real hub (embedded store, in this JVM) for the history commands' tests, with helpers to fill it
 * and to run export, import and verify as the CLI does, capturing their output.
 */
public final class HistoryHub implements AutoCloseable {

  /** What a command printed and how it ended. */
  public record Run(int exit, String out, String err) {}

  public static final String[] TYPES = {"order-placed", "payment-completed", "parcel-shipped"};

  private final Hub hub;
  private final Path data;
  private final HubHttp http;

  private HistoryHub(Hub hub, Path data) {
    this.hub = hub;
    this.data = data;
    this.http = new HubHttp(url(), null, HubHttp::sleep);
  }

  public static HistoryHub start(Path data) throws IOException {
    Files.createDirectories(data);
    HubConfig config = HubConfig.load(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", data.toString(), "HUB_FEED_LAG", "100ms"), new String[0]);
    return new HistoryHub(Hub.start(config, Store.of(SqliteEventStore.open(data)), Clock.systemUTC()), data);
  }

  public String url() {
    return "http://127.0.0.1:" + hub.port();
  }

  public Path data() {
    return data;
  }

  /** One event of the i-th kind: several types, decimals kept as sent, a correlation id on some. */
  public static String event(String id, int i) {
    return "{\"id\":\"" + id + "\",\"meta\":{\"service\":\"shop\",\"type\":\"" + TYPES[i % TYPES.length]
        + "\",\"created_at\":\"2019-03-0" + (1 + i % 9) + "T10:00:00.123456Z\",\"aggregate_id\":\"order/" + (i / 3) + "\""
        + (i % 2 == 0 ? ",\"correlation_id\":\"cart/" + (i / 10) + "\"" : "")
        + "},\"payload\":{\"amount\":" + (i % 100) + ".0000,\"note\":\"n\\u00e9 " + i + "\",\"lines\":[{\"sku\":\"s" + (i % 7) + "\",\"n\":1e3}]}}";
  }

  /** Publishes {@code count} events in batches of 1000; answers their ids in order. */
  public List<String> publish(int count) {
    List<String> ids = new ArrayList<>();
    for (int from = 0; from < count; from += 1000) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = from; i < Math.min(count, from + 1000); i++) {
        String id = UUID.randomUUID().toString();
        ids.add(id);
        batch.append(i == from ? "" : ",").append(event(id, i));
      }
      HubHttp.Answer a = http.post("/events", "application/json", batch.append(']').toString());
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.body()).doesNotContain("\"invalid\"").doesNotContain("\"conflict\"");
    }
    return ids;
  }

  /** Waits until the ledger has a leaf for every one of {@code count} events (60 s, and a millisecond per event for large runs). */
  public void awaitLedger(long count) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L + count * 1_000_000L;
    while (http.getJson("/ledger/digest").path("tree_size").asLong() < count) {
      assertThat(System.nanoTime()).as("the ledger reaches " + count + " leaves").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /**
   * The events the feed delivers ({@code /feed/lag} from the start), once it has at least {@code
   * count}: the feed counts only up to its stable point, which trails the newest appends by the lag.
   */
  public long feedEvents(long count) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    long events;
    while ((events = http.getJson("/feed/lag").path("events").asLong()) < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return events;
  }

  public JsonNode get(String path) {
    return http.getJson(path);
  }

  /** POST with a JSON body, the answer as it came. */
  public HubHttp.Answer post(String path, String json) {
    return http.post(path, "application/json", json);
  }

  /** PUT with a JSON body (the history commands send none, so the test sends it itself); answers the status. */
  public int put(String path, String json) throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(url() + path)).header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return r.statusCode();
  }

  public Run export(String... args) {
    return capture((out, err) -> new ExportCommand(out, err, Map.of(), Clock.systemUTC(), HubHttp::sleep, false)
        .run(with(args, "--hub", url())));
  }

  public Run importing(String... args) {
    return capture((out, err) -> new ImportCommand(out, err, Map.of(), HubHttp::sleep, false).run(with(args, "--hub", url())));
  }

  public interface Body {
    int run(PrintStream out, PrintStream err);
  }

  public static Run capture(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = body.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String[] with(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(more, 0, all, 0, more.length);
    System.arraycopy(args, 0, all, more.length, args.length);
    return all;
  }

  /** Every line of every segment of an export, in order. */
  public static List<String> lines(Path exportDir) throws IOException {
    List<String> lines = new ArrayList<>();
    forEachLine(exportDir, lines::add);
    return lines;
  }

  /** Each line of every segment of an export, in order, without holding them all (a 1 M-event export is about 500 MB of text). */
  public static void forEachLine(Path exportDir, java.util.function.Consumer<String> action) throws IOException {
    for (JsonNode s : Manifest.read(exportDir).path("segments")) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          new GZIPInputStream(Files.newInputStream(exportDir.resolve(s.path("file").asText()))), StandardCharsets.UTF_8))) {
        r.lines().forEach(action);
      }
    }
  }

  @Override
  public void close() {
    hub.close();
  }
}
