package io.annals.hub.server;

import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.ingest.IngestLimits;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A real hub on port 0 with a real store, and a real HTTP client to talk to it. */
public final class TestHub implements AutoCloseable {

  private final Hub hub;
  private final Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestHub(Hub hub, Path dataDir) {
    this.hub = hub;
    this.dataDir = dataDir;
  }

  /** A hub on an embedded SQLite store in {@code dataDir}. */
  public static TestHub sqlite(Path dataDir) {
    return start(Store.of(SqliteEventStore.open(dataDir)), dataDir, UnaryOperator.identity());
  }

  /** A hub on {@code store}, with its ingest limits changed by {@code limits}. */
  public static TestHub start(Store store, Path dataDir, UnaryOperator<IngestLimits> limits) {
    HubConfig base = HubConfig.load(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", dataDir.toString()), new String[0]);
    HubConfig config = new HubConfig(base.port(), base.bind(), base.store(), base.dataDir(), base.mongodbUri(),
        base.mongodbDatabase(), base.feedLag(), base.apiKeysFile(), limits.apply(base.ingest()));
    return new TestHub(Hub.start(config, store, Clock.systemUTC()), dataDir);
  }

  /** A hub with the test keys file ({@link TestApiKeys}) under {@code dir}/keys and its data in {@code dir}/data. */
  public static TestHub keyed(Path dir) throws IOException {
    Path keys = TestApiKeys.write(java.nio.file.Files.createDirectories(dir.resolve("keys")));
    return configured(java.nio.file.Files.createDirectories(dir.resolve("data")), Map.of("HUB_API_KEYS_FILE", keys.toString()));
  }

  /**
   * A hub on an embedded SQLite store in {@code dataDir}, configured as Main would be by these
   * environment variables (e.g. {@code HUB_API_KEYS_FILE}, {@code HUB_RATE_LIMIT}) on port 0.
   */
  public static TestHub configured(Path dataDir, Map<String, String> settings) {
    Map<String, String> env = new java.util.HashMap<>(settings);
    env.put("HUB_PORT", "0");
    env.put("HUB_DATA_DIR", dataDir.toString());
    HubConfig config = HubConfig.load(env, new String[0]);
    return new TestHub(Hub.builder(config, Store.of(SqliteEventStore.open(dataDir))).ledger(HubConfig.ledger(env, new String[0]))
        .live(HubConfig.liveFeed(env, new String[0])).start(), dataDir);
  }

  public Hub hub() {
    return hub;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + hub.port() + path);
  }

  public HttpResponse<String> postJson(String body) {
    return post("application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  public HttpResponse<String> post(String contentType, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/events"))
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request.build());
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET().build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How many events the store holds, read through the storage port. */
  public int storedCount() {
    return hub.store().log().query(EventFilter.none(), null, 1_000_000).size();
  }

  /** How many rows the SQLite events table holds, counted by SQLite itself (fast for big stores). */
  public int sqliteRowCount() {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteEventStore.FILE_NAME));
        ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM events")) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The value of a Prometheus sample line {@code name{labels} value}, summed over matching lines. */
  public double metric(String nameAndLabelsPrefix) {
    return metric(nameAndLabelsPrefix, null);
  }

  /** As {@link #metric(String)}, scraping with {@code apiKey} (null: without a key). */
  public double metric(String nameAndLabelsPrefix, String apiKey) {
    HttpRequest.Builder scrape = HttpRequest.newBuilder(uri("/metrics")).timeout(Duration.ofSeconds(60)).GET();
    if (apiKey != null) {
      scrape.header("Authorization", "Bearer " + apiKey);
    }
    return send(scrape.build()).body().lines()
        .filter(l -> l.startsWith(nameAndLabelsPrefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Override
  public void close() {
    hub.close();
  }
}
