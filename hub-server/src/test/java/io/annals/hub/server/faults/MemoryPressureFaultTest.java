package io.annals.hub.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.testsupport.HubProcess;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection, case 2 of issue 19: the real hub in a child JVM with a 256 MiB heap
 * ({@link HubProcess} starts it with -Xmx256m) takes 40 concurrent uploads of ~9 MiB valid
 * batches. Before the body budget this drove it into OutOfMemoryError and empty 500s; now what
 * does not fit is refused with 503 + Retry-After before its body is read, what is accepted is
 * stored whole, and the hub serves on.
 */
class MemoryPressureFaultTest {

  private static final int UPLOADS = 40;
  private static final int EVENTS_PER_BATCH = 10_000;
  private static final int ATTEMPTS = 3;

  @TempDir Path dir;

  @Test
  void forty_concurrent_nine_mib_batches_on_a_256_mib_heap_get_no_500_and_every_accepted_event_is_stored()
      throws Exception {
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < UPLOADS; i++) {
      batches.add(batch(i));
    }
    assertThat(batches.get(0).body().length).as("batch size").isBetween(8_500_000, 10 * 1024 * 1024);
    List<String> wrongAnswers = new CopyOnWriteArrayList<>();
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    Set<Integer> accepted = ConcurrentHashMap.newKeySet();

    List<String> log = storm((http, events, n) -> {
      if (upload(http, events, batches.get(n).body(), statuses, wrongAnswers)) {
        accepted.add(n);
      }
    });

    System.out.printf("memory pressure: answers by status %s, %d batches accepted%n", statuses, accepted.size());
    assertThat(String.join("\n", log)).doesNotContain("OutOfMemoryError");
    assertThat(wrongAnswers).as("answers other than 200 or 503 + Retry-After problem details").isEmpty();
    assertThat(statuses.keySet()).as("statuses seen").isSubsetOf(200, 503);
    assertThat(accepted).as("batches accepted").isNotEmpty();
    // A 503 may come after the writer took the batch (its answer timed out): the batch is then
    // stored although not acknowledged. Each batch is stored whole or not at all, and every
    // acknowledged one is stored.
    Set<String> stored = storedIds();
    long storedOfBatches = 0;
    for (int n = 0; n < UPLOADS; n++) {
      long found = batches.get(n).ids().stream().filter(stored::contains).count();
      assertThat(found).as("events of batch %d stored", n)
          .isIn(accepted.contains(n) ? List.of((long) EVENTS_PER_BATCH) : List.of(0L, (long) EVENTS_PER_BATCH));
      storedOfBatches += found;
    }
    assertThat(stored).as("events in the store: the batches' and the small event after the storm")
        .hasSize((int) storedOfBatches + 1);
  }

  @Test
  void forty_concurrent_nine_mib_arrays_of_empty_objects_are_refused_before_their_trees_exhaust_the_heap()
      throws Exception {
    // Each would be a ~260 MiB tree (28x its size): one alone exceeded the heap before the tree was metered.
    StringBuilder text = new StringBuilder("[");
    while (text.length() < 9 * 1024 * 1024) {
      text.append("{},");
    }
    byte[] body = text.append("{}]").toString().getBytes(StandardCharsets.US_ASCII);
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    List<String> wrongAnswers = new CopyOnWriteArrayList<>();

    List<String> log = storm((http, events, n) -> {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(events).timeout(Duration.ofMinutes(3))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      statuses.merge(answer.statusCode(), 1, Integer::sum);
      String type = answer.headers().firstValue("Content-Type").orElse("");
      boolean retryable = answer.statusCode() != 503 || answer.headers().firstValue("Retry-After").isPresent();
      if (!type.startsWith("application/problem+json") || !retryable) {
        wrongAnswers.add(answer.statusCode() + " " + type + " " + answer.body());
      }
    });

    System.out.printf("memory pressure, empty objects: answers by status %s%n", statuses);
    assertThat(String.join("\n", log)).doesNotContain("OutOfMemoryError");
    assertThat(wrongAnswers).as("answers that are not problem details (503 without Retry-After)").isEmpty();
    assertThat(statuses.keySet()).as("statuses seen").isSubsetOf(413, 503);
  }

  /** One client's part of a storm: upload number {@code n} to {@code events}. */
  @FunctionalInterface
  private interface Upload {
    void run(HttpClient http, URI events, int n) throws Exception;
  }

  /**
   * Runs {@link #UPLOADS} uploads at once against a fresh child hub (-Xmx256m), then checks that
   * the hub still stores a small event; returns everything the hub logged.
   */
  private List<String> storm(Upload upload) throws Exception {
    // The heap the fault was found with (G1, as users run it); not the harness's small serial default.
    try (HubProcess hub = HubProcess.builder(dir.resolve("hub-" + System.nanoTime() + ".log")).dataDir(dir)
        .jvmArgs(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1")).start()) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      URI events = URI.create("http://127.0.0.1:" + hub.port() + "/events");
      ExecutorService clients = Executors.newFixedThreadPool(UPLOADS);
      List<Future<?>> uploads = new ArrayList<>();
      for (int i = 0; i < UPLOADS; i++) {
        int n = i;
        uploads.add(clients.submit(() -> {
          upload.run(http, events, n);
          return null;
        }));
      }
      for (Future<?> u : uploads) {
        u.get(10, TimeUnit.MINUTES);
      }
      clients.shutdown();
      HttpResponse<String> small = http.send(HttpRequest.newBuilder(events).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(TestEvents.json(TestEvents.newId()))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(small.statusCode()).as("a small event after the storm: %s", small.body()).isEqualTo(201);
      return hub.output();
    }
  }

  /**
   * Posts {@code batch}, again after a 503 as its Retry-After says, up to {@link #ATTEMPTS} times;
   * answers whether it was accepted. A retry may find its events already stored ({@code duplicate}):
   * the 503 before it came after the writer had taken the batch.
   */
  private static boolean upload(HttpClient http, URI events, byte[] batch, Map<Integer, Integer> statuses,
      List<String> wrongAnswers) throws Exception {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(events).timeout(Duration.ofMinutes(3))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(batch)).build(), HttpResponse.BodyHandlers.ofString());
      statuses.merge(answer.statusCode(), 1, Integer::sum);
      if (answer.statusCode() == 200) {
        Set<String> allowed = attempt == 1 ? Set.of("created") : Set.of("created", "duplicate");
        for (JsonNode r : TestEvents.parse(answer.body()).path("results")) {
          if (!allowed.contains(r.path("outcome").asText())) {
            wrongAnswers.add("an event of an accepted batch (attempt " + attempt + ") was " + r);
            return false;
          }
        }
        return true;
      }
      String retryAfter = answer.headers().firstValue("Retry-After").orElse(null);
      String type = answer.headers().firstValue("Content-Type").orElse("");
      if (answer.statusCode() != 503 || retryAfter == null || !type.startsWith("application/problem+json")) {
        wrongAnswers.add(answer.statusCode() + " Retry-After=" + retryAfter + " Content-Type=" + type + " "
            + answer.body());
        return false;
      }
      Thread.sleep(Long.parseLong(retryAfter) * 1000);
    }
    return false;
  }

  /** A batch's body and the ids of its events. */
  private record Batch(byte[] body, List<String> ids) {}

  /** A valid batch of ~9 MiB: 10,000 events whose payloads have many small fields (what expands most when parsed). */
  private static Batch batch(int n) {
    StringBuilder payload = new StringBuilder("{");
    for (int f = 0; payload.length() < 820; f++) {
      payload.append(f == 0 ? "" : ",").append("\"field_").append(f).append("\":").append(f * 7919);
    }
    payload.append('}');
    StringBuilder body = new StringBuilder("[");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < EVENTS_PER_BATCH; i++) {
      ids.add(TestEvents.newId());
      body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids.get(i))
          .append("\",\"meta\":{\"service\":\"billing\",\"type\":\"payment-completed\",")
          .append("\"created_at\":\"2026-01-01T12:00:00.000Z\",\"aggregate_id\":\"batch/").append(n)
          .append("\"},\"payload\":").append(payload).append('}');
    }
    return new Batch(body.append(']').toString().getBytes(StandardCharsets.UTF_8), ids);
  }

  private Set<String> storedIds() throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteEventStore.FILE_NAME));
        ResultSet rows = c.createStatement().executeQuery("SELECT id FROM events")) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }
}
