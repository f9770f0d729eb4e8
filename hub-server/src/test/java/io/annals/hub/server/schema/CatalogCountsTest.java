package io.annals.hub.server.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.InJvmMongo;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import io.annals.testsupport.HubProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Must-show 4 of the schema issue: the catalog's counts equal the stored counts after 8 concurrent
 * writers over 20 types (with resent batches, which must not count twice), on both adapters, after
 * a restart, and after SIGKILL of a real hub in a child process while it ingests.
 */
class CatalogCountsTest {

  static final int WRITERS = 8;
  static final int TYPES = 20;
  static final int BATCH = 10;

  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  enum Adapter { EMBEDDED, MONGODB }

  @ParameterizedTest
  @EnumSource(Adapter.class)
  void catalog_counts_equal_stored_counts_after_8_concurrent_writers_over_20_types_and_after_a_restart(Adapter adapter)
      throws Exception {
    String database = "catalog-" + System.nanoTime();
    int acknowledged;
    try (TestHub hub = TestHub.start(store(adapter, database), dir, UnaryOperator.identity())) {
      Writers writers = new Writers(() -> hub.hub().port()).start();
      writers.awaitAcknowledged(1600);
      writers.stop();
      acknowledged = writers.acknowledged.get();
      assertCatalogEqualsStoredCounts(hub.hub().port(), acknowledged);
    }
    try (TestHub again = TestHub.start(store(adapter, database), dir, UnaryOperator.identity())) {
      assertCatalogEqualsStoredCounts(again.hub().port(), acknowledged);
    }
  }

  @ParameterizedTest
  @EnumSource(Adapter.class)
  void catalog_counts_equal_stored_counts_after_sigkill_of_a_hub_during_concurrent_ingestion(Adapter adapter) throws Exception {
    HubProcess.Builder spec = HubProcess.builder(dir.resolve("hub.log")).dataDir(dir.resolve("data"));
    if (adapter == Adapter.MONGODB) {
      spec.env(Map.of("HUB_STORE", "mongodb", "HUB_MONGODB_URI", mongo.uri(), "HUB_MONGODB_DATABASE", "killed-" + System.nanoTime()));
    }
    try (HubProcess hub = spec.start()) {
      Writers writers = new Writers(hub::port).start();
      writers.awaitAcknowledged(1200);
      hub.kill(); // while the 8 writers still send
      writers.stop();
      hub.restart();
      assertCatalogEqualsStoredCounts(hub.port(), writers.acknowledged.get());
    }
  }

  private static Store store(Adapter adapter, String database) {
    return adapter == Adapter.EMBEDDED ? Store.of(SqliteEventStore.open(thisDir.get())) : Store.of(mongo.store(database));
  }

  // The data directory of the running test, for store(): JUnit injects it per test.
  private static final ThreadLocal<Path> thisDir = new ThreadLocal<>();

  @org.junit.jupiter.api.BeforeEach
  void remember_the_data_directory() {
    thisDir.set(dir.resolve("data"));
  }

  /** Compares GET /catalog with the events stored per type, counted by paging GET /events. */
  private void assertCatalogEqualsStoredCounts(int port, int acknowledged) {
    Map<String, Long> catalog = new TreeMap<>();
    for (JsonNode t : TestEvents.parse(get(port, "/catalog").body()).get("types")) {
      assertThat(t.get("service").asText()).isEqualTo("shop");
      catalog.put(t.get("type").asText(), t.get("count").asLong());
      assertThat(t.at("/sample/meta/type").asText()).isEqualTo(t.get("type").asText());
    }
    Map<String, Long> stored = new TreeMap<>();
    for (int i = 0; i < TYPES; i++) {
      String type = type(i);
      long n = 0;
      String cursor = null;
      do {
        JsonNode page = TestEvents.parse(get(port, "/events?service=shop&type=" + type + "&limit=1000"
            + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))).body());
        n += page.get("events").size();
        cursor = page.get("next").isNull() ? null : page.get("next").asText();
      } while (cursor != null);
      if (n > 0) {
        stored.put(type, n);
      }
    }
    assertThat(stored).hasSize(TYPES);
    assertThat(stored.values().stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(acknowledged);
    assertThat(catalog).isEqualTo(stored);
    System.out.printf("catalog equals stored counts: %d events over %d types (%d acknowledged)%n",
        stored.values().stream().mapToLong(Long::longValue).sum(), stored.size(), acknowledged);
  }

  static String type(int i) {
    return String.format("type-%02d", i);
  }

  private HttpResponse<String> get(int port, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
      return r;
    } catch (Exception e) {
      throw new AssertionError(path, e);
    }
  }

  /** 8 threads posting batches of 10 events of random types; every third batch is sent twice. */
  final class Writers {
    final AtomicInteger acknowledged = new AtomicInteger();
    final AtomicBoolean stop = new AtomicBoolean();
    final List<Thread> threads = new ArrayList<>();
    final IntSupplier port;

    Writers(IntSupplier port) {
      this.port = port;
    }

    Writers start() {
      for (int w = 0; w < WRITERS; w++) {
        Thread t = new Thread(this::run, "writer-" + w);
        threads.add(t);
        t.start();
      }
      return this;
    }

    void awaitAcknowledged(int n) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (acknowledged.get() < n) {
        assertThat(System.nanoTime()).as("%d events acknowledged in time", n).isLessThan(deadline);
        assertThat(threads.stream().anyMatch(Thread::isAlive)).as("writers still running").isTrue();
        Thread.sleep(20);
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(Duration.ofSeconds(90).toMillis());
      }
    }

    private void run() {
      int batches = 0;
      while (!stop.get()) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < BATCH; i++) {
          var e = TestEvents.node(TestEvents.newId());
          ((com.fasterxml.jackson.databind.node.ObjectNode) e.get("meta")).put("service", "shop")
              .put("type", type(ThreadLocalRandom.current().nextInt(TYPES)));
          body.append(i == 0 ? "" : ",").append(e);
        }
        body.append(']');
        for (int attempt = 0; attempt < (++batches % 3 == 0 ? 2 : 1); attempt++) {
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + "/events"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && attempt == 0) {
              acknowledged.addAndGet(BATCH);
            }
          } catch (java.io.IOException e) {
            return; // the hub was killed
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }
}
