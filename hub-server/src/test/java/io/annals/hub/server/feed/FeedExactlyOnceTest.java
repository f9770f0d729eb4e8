package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.annals.hub.server.LoadClients;
import io.annals.hub.server.ReadHub;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed's promise under load: 8 writers send 20,000 events, as single events and small
 * batches, to one or two hub instances sharing a store, while one consumer tails {@code /feed}
 * following {@code next}, asking the instances in turn. At the end the consumer has seen exactly
 * the acknowledged events, each once, in {@code (received_at, id)} order.
 *
 * <p>No timing is asserted; the deadlines only turn a hang into a failure.
 */
class FeedExactlyOnceTest {

  static final int WRITERS = 8;
  static final int EVENTS = 20_000;
  static final Duration LAG = Duration.ofSeconds(5);
  static final int PAGE = 1000;
  static final Duration DEADLINE = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void two_hubs_on_one_mongodb_one_with_its_clock_3_seconds_behind_deliver_every_event_once() throws Exception {
    // mongo-java-server does not answer hello: each store's clock is its host's, so the skew is real
    MongoServer server = new MongoServer(new MemoryBackend());
    String uri = server.bindAndGetConnectionString();
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-3));
    try (ReadHub a = ReadHub.start(Store.of(MongoEventStore.connect(uri, "feed")), Clock.systemUTC(), LAG, dir);
        ReadHub b = ReadHub.start(Store.of(MongoEventStore.builder(uri, "feed").clock(behind).connect()), behind, LAG, dir)) {
      Outcome outcome = run(List.of(a, b));

      outcome.assertExactlyOnce();
      assertThat(outcome.acknowledgedBy(b)).isPositive();
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void one_hub_on_sqlite_delivers_every_event_once() throws Exception {
    try (ReadHub hub = ReadHub.start(Store.of(SqliteEventStore.open(dir)), Clock.systemUTC(), LAG, dir)) {
      run(List.of(hub)).assertExactlyOnce();
    }
  }

  @Test
  void two_hubs_on_one_sqlite_file_deliver_every_event_once() throws Exception {
    try (ReadHub a = ReadHub.start(Store.of(SqliteEventStore.open(dir)), Clock.systemUTC(), LAG, dir);
        ReadHub b = ReadHub.start(Store.of(SqliteEventStore.open(dir)), Clock.systemUTC(), LAG, dir)) {
      Outcome outcome = run(List.of(a, b));

      outcome.assertExactlyOnce();
      assertThat(outcome.acknowledgedBy(b)).isPositive();
    }
  }

  @Test
  void a_hub_that_joins_with_its_clock_behind_never_stamps_below_a_stable_point_already_handed_out() throws Exception {
    MongoServer server = new MongoServer(new MemoryBackend());
    String uri = server.bindAndGetConnectionString();
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-5));
    try (ReadHub a = ReadHub.start(Store.of(MongoEventStore.connect(uri, "join")), Clock.systemUTC(), LAG, dir)) {
      // Given a consumer that read the (empty) feed from the first hub
      JsonNode page = a.getJson("/feed");
      Instant handedOut = Instant.parse(page.get("stable_until").asText());

      // When a hub whose clock is 5 s behind joins and takes an event
      try (ReadHub b = ReadHub.start(Store.of(MongoEventStore.builder(uri, "join").clock(behind).connect()), behind, LAG, dir)) {
        HttpResponse<String> created = b.postJson(TestEvents.json(TestEvents.newId()));
        assertThat(created.statusCode()).isEqualTo(201);
        Instant stamped = Instant.parse(TestEvents.parse(created.body()).at("/meta/received_at").asText());

        // Then the event is stamped at or after the stable point handed out before, so the consumer gets it
        assertThat(stamped).isAfterOrEqualTo(handedOut);
        String next = page.get("next").asText();
        List<String> seen = new ArrayList<>();
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (seen.isEmpty() && System.nanoTime() < end) {
          JsonNode more = b.getJson("/feed?after=" + next);
          more.get("events").forEach(e -> seen.add(e.get("id").asText()));
          next = more.get("next").asText();
          Thread.sleep(50);
        }
        assertThat(seen).containsExactly(TestEvents.parse(created.body()).get("id").asText());
      }
    } finally {
      server.shutdownNow();
    }
  }

  /** Runs the writers and the consumer to the end. */
  static Outcome run(List<ReadHub> hubs) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Outcome outcome = new Outcome(hubs);
    AtomicInteger budget = new AtomicInteger(EVENTS);
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      ReadHub target = hubs.get(w % hubs.size());
      Thread t = new Thread(() -> write(http, target, budget, outcome), "writer-" + w);
      writers.add(t);
      t.start();
    }
    Thread consumer = new Thread(() -> consume(http, hubs, writers, outcome), "consumer");
    consumer.start();
    for (Thread t : writers) {
      t.join();
    }
    consumer.join();
    return outcome;
  }

  static void write(HttpClient http, ReadHub hub, AtomicInteger budget, Outcome outcome) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (true) {
      int want = random.nextInt(1, 6);
      int left = budget.getAndAdd(-want);
      int take = Math.min(want, left);
      if (take <= 0) {
        return;
      }
      List<ObjectNode> events = new ArrayList<>();
      for (int i = 0; i < take; i++) {
        ObjectNode e = TestEvents.node(TestEvents.newId());
        ((ObjectNode) e.get("meta")).put("type", "t" + random.nextInt(4));
        events.add(e);
      }
      String body;
      if (take == 1 && random.nextBoolean()) {
        body = events.get(0).toString();
      } else {
        ArrayNode batch = TestEvents.JSON.createArrayNode();
        events.forEach(batch::add);
        body = batch.toString();
      }
      try {
        if (!deliver(http, hub, body, events.size(), outcome)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      events.forEach(e -> outcome.acknowledged.put(e.get("id").asText(), hub.port()));
    }
  }

  /** Sends until acknowledged, as the SDK would; false after a wrong answer (recorded). */
  private static boolean deliver(HttpClient http, ReadHub hub, String body, int events, Outcome outcome)
      throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      HttpResponse<String> answer;
      try {
        answer = LoadClients.postEvents(http, hub.port(), body);
      } catch (IOException e) {
        Thread.sleep(50); // the instance went away for a moment: send again
        continue;
      }
      int status = answer.statusCode();
      if (status == 429 || status == 503) {
        Thread.sleep(50);
        continue;
      }
      JsonNode json = TestEvents.parse(answer.body());
      boolean ok = body.startsWith("[")
          ? status == 200 && json.get("results").size() == events && allStored(json.get("results"))
          : status == 201 || status == 200;
      if (!ok) {
        outcome.wrongAnswers.add(status + " " + answer.body());
        return false;
      }
      return true;
    }
    outcome.wrongAnswers.add("not acknowledged before the deadline");
    return false;
  }

  private static boolean allStored(JsonNode results) {
    for (JsonNode r : results) {
      String outcome = r.get("outcome").asText();
      if (!outcome.equals("created") && !outcome.equals("duplicate")) {
        return false;
      }
    }
    return true;
  }

  /** Tails the feed from the instances in turn until it has seen every acknowledged event after the writers ended. */
  private static void consume(HttpClient http, List<ReadHub> hubs, List<Thread> writers, Outcome outcome) {
    String after = null;
    String lastKey = "";
    long end = System.nanoTime() + DEADLINE.toNanos() * 2;
    int turn = 0;
    while (System.nanoTime() < end) {
      boolean writersDone = writers.stream().noneMatch(Thread::isAlive);
      if (writersDone && outcome.seenOnce.size() >= outcome.acknowledged.size()) {
        return;
      }
      ReadHub hub = hubs.get(turn++ % hubs.size());
      JsonNode page;
      try {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port()
            + "/feed?limit=" + PAGE + (after == null ? "" : "&after=" + after))).timeout(Duration.ofSeconds(60)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
          outcome.wrongAnswers.add("feed: " + answer.statusCode() + " " + answer.body());
          return;
        }
        page = TestEvents.parse(answer.body());
      } catch (IOException e) {
        outcome.wrongAnswers.add("feed: " + e);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (JsonNode e : page.get("events")) {
        String id = e.get("id").asText();
        // received_at is printed at fixed width, so its text sorts like its time
        String key = e.at("/meta/received_at").asText() + " " + id;
        if (key.compareTo(lastKey) <= 0) {
          outcome.outOfOrder.add(lastKey + " then " + key);
        }
        lastKey = key;
        if (!outcome.seenOnce.add(id)) {
          outcome.repeats.add(id);
        }
        outcome.seen.add(id);
      }
      if (!page.get("next").isTextual()) {
        outcome.wrongAnswers.add("feed page without next: " + page);
        return;
      }
      after = page.get("next").asText();
      if (page.get("events").size() < PAGE) {
        pause(100); // caught up: poll again shortly, as a projection worker does
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What the writers and the consumer saw. */
  static final class Outcome {
    final List<ReadHub> hubs;
    final ConcurrentHashMap<String, Integer> acknowledged = new ConcurrentHashMap<>(); // id -> port
    final List<String> seen = new ArrayList<>();
    final Set<String> seenOnce = new HashSet<>();
    final List<String> repeats = new ArrayList<>();
    final List<String> outOfOrder = new ArrayList<>();
    final List<String> wrongAnswers = new CopyOnWriteArrayList<>();

    Outcome(List<ReadHub> hubs) {
      this.hubs = hubs;
    }

    long acknowledgedBy(ReadHub hub) {
      return acknowledged.values().stream().filter(p -> p == hub.port()).count();
    }

    void assertExactlyOnce() {
      assertThat(wrongAnswers).isEmpty();
      assertThat(acknowledged).hasSize(EVENTS);
      assertThat(repeats).as("events the consumer saw twice").isEmpty();
      assertThat(outOfOrder).as("events out of (received_at, id) order").isEmpty();
      assertThat(seenOnce).as("the consumer's ids").isEqualTo(acknowledged.keySet());
      assertThat(seen).hasSize(EVENTS);
    }
  }
}
