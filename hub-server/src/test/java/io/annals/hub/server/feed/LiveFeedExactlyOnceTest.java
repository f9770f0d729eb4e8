package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.annals.hub.server.ReadHub;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.MongoEventStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live feed's promise under load: 8 writers send events to two hub instances on one (in-JVM)
 * MongoDB, one instance's clock 3 s behind the other's, while four consumers long-poll
 * {@code /feed?wait=} and two follow {@code /feed/stream}, each switching between the instances
 * (a stream reconnects to the other instance with {@code Last-Event-ID}). At the end each consumer
 * has seen exactly the acknowledged events, each once, in {@code (received_at, id)} order.
 *
 * <p>No timing is asserted; the deadlines only turn a hang into a failure.
 */
class LiveFeedExactlyOnceTest {

  static final int EVENTS = 10_000;
  static final int PAGE = 500;
  static final Duration DEADLINE = Duration.ofSeconds(240);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @Test
  void four_long_polling_and_two_streaming_consumers_switching_between_two_skewed_hubs_each_see_every_event_once_in_order()
      throws Exception {
    // mongo-java-server does not answer hello: each store's clock is its host's, so the skew is real
    MongoServer server = new MongoServer(new MemoryBackend());
    String uri = server.bindAndGetConnectionString();
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-3));
    try (ReadHub a = ReadHub.start(Store.of(MongoEventStore.connect(uri, "live")), Clock.systemUTC(),
        FeedExactlyOnceTest.LAG, dir);
        ReadHub b = ReadHub.start(Store.of(MongoEventStore.builder(uri, "live").clock(behind).connect()), behind,
            FeedExactlyOnceTest.LAG, dir)) {
      List<ReadHub> hubs = List.of(a, b);
      FeedExactlyOnceTest.Outcome written = new FeedExactlyOnceTest.Outcome(hubs);
      AtomicInteger budget = new AtomicInteger(EVENTS);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < FeedExactlyOnceTest.WRITERS; w++) {
        ReadHub target = hubs.get(w % hubs.size());
        writers.add(new Thread(() -> FeedExactlyOnceTest.write(HTTP, target, budget, written), "writer-" + w));
      }
      List<Consumer> consumers = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        consumers.add(new Consumer("long-poll-" + c, hubs, writers, written, false, c));
      }
      for (int c = 0; c < 2; c++) {
        consumers.add(new Consumer("stream-" + c, hubs, writers, written, true, c));
      }
      writers.forEach(Thread::start); // first: a consumer ends once no writer is alive and it has seen every acknowledged event
      consumers.forEach(Thread::start);
      for (Thread t : writers) {
        t.join();
      }
      for (Thread t : consumers) {
        t.join();
      }

      assertThat(written.wrongAnswers).isEmpty();
      assertThat(written.acknowledged).hasSize(EVENTS);
      assertThat(written.acknowledgedBy(b)).isPositive();
      for (Consumer c : consumers) {
        assertThat(c.problems).as(c.getName() + ": wrong answers").isEmpty();
        assertThat(c.repeats).as(c.getName() + ": events seen twice").isEmpty();
        assertThat(c.outOfOrder).as(c.getName() + ": events out of (received_at, id) order").isEmpty();
        assertThat(c.seenOnce).as(c.getName() + ": the consumer's ids").isEqualTo(written.acknowledged.keySet());
        assertThat(c.seen).as(c.getName() + ": events received").hasSize(EVENTS);
        assertThat(c.switches).as(c.getName() + ": switched between the hubs").isGreaterThan(1);
      }
    } finally {
      server.shutdownNow();
    }
  }

  /** One consumer: long polls, or a stream that reconnects to the other hub every few hundred events. */
  private static final class Consumer extends Thread {
    final List<ReadHub> hubs;
    final List<Thread> writers;
    final FeedExactlyOnceTest.Outcome written;
    final boolean stream;
    final List<String> seen = new ArrayList<>();
    final Set<String> seenOnce = new HashSet<>();
    final List<String> repeats = new ArrayList<>();
    final List<String> outOfOrder = new ArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    int turn;
    int switches;
    String cursor;
    String lastKey = "";

    Consumer(String name, List<ReadHub> hubs, List<Thread> writers, FeedExactlyOnceTest.Outcome written, boolean stream,
        int first) {
      super(name);
      this.hubs = hubs;
      this.writers = writers;
      this.written = written;
      this.stream = stream;
      this.turn = first;
    }

    private boolean finished() {
      return writers.stream().noneMatch(Thread::isAlive) && seenOnce.size() >= written.acknowledged.size();
    }

    @Override
    public void run() {
      long end = System.nanoTime() + DEADLINE.toNanos();
      try {
        while (!finished() && System.nanoTime() < end && problems.isEmpty()) {
          ReadHub hub = hubs.get(turn++ % hubs.size());
          switches++;
          if (stream) {
            streamFrom(hub, ThreadLocalRandom.current().nextInt(100, 1500), end);
          } else {
            for (int polls = ThreadLocalRandom.current().nextInt(1, 6); polls > 0 && !finished(); polls--) {
              poll(hub);
            }
          }
        }
        if (!finished()) {
          problems.add("not finished before the deadline: " + seenOnce.size() + " of " + written.acknowledged.size());
        }
      } catch (IOException e) {
        problems.add(e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void poll(ReadHub hub) throws IOException, InterruptedException {
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port()
          + "/feed?limit=" + PAGE + "&wait=2s" + (cursor == null ? "" : "&after=" + cursor)))
          .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        problems.add("feed: " + answer.statusCode() + " " + answer.body());
        return;
      }
      JsonNode page = TestEvents.parse(answer.body());
      for (JsonNode e : page.get("events")) {
        take(e);
      }
      cursor = page.get("next").asText();
    }

    /** Reads up to {@code count} events from a stream on {@code hub}, resuming after the cursor. */
    private void streamFrom(ReadHub hub, int count, long end) throws IOException, InterruptedException {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port()
          + "/feed/stream?limit=" + PAGE)).GET();
      if (cursor != null) {
        request.header("Last-Event-ID", cursor);
      }
      HttpResponse<Stream<String>> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
      if (answer.statusCode() != 200) {
        problems.add("stream: " + answer.statusCode());
        answer.body().close();
        return;
      }
      try (Stream<String> lines = answer.body()) {
        Iterator<String> it = lines.iterator();
        String id = null;
        int taken = 0;
        while (taken < count && !finished() && System.nanoTime() < end && it.hasNext()) {
          String line = it.next();
          if (line.startsWith("id: ")) {
            id = line.substring(4);
          } else if (line.startsWith("data: ")) {
            take(TestEvents.parse(line.substring(6)));
            cursor = id;
            taken++;
          } else if (line.startsWith("event: error")) {
            problems.add("stream error event");
            return;
          }
        }
      } catch (UncheckedIOException e) {
        problems.add("stream: " + e);
      }
    }

    private void take(JsonNode e) {
      String id = e.get("id").asText();
      // received_at is printed at fixed width, so its text sorts like its time
      String key = e.at("/meta/received_at").asText() + " " + id;
      if (key.compareTo(lastKey) <= 0) {
        outOfOrder.add(lastKey + " then " + key);
      }
      lastKey = key;
      if (!seenOnce.add(id)) {
        repeats.add(id);
      }
      seen.add(id);
    }
  }
}
