package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.client.internal.delivery.Json;
import io.annals.testsupport.ChildJvm;
import io.annals.testsupport.HubProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-show 1: a producer JVM publishing 10,000 events is SIGKILLed part-way while the hub is
 * down; a new producer on the same spool, once the real hub is up, delivers them all, and the hub
 * holds exactly the published ids, each once.
 */
class ProducerCrashTest {

  private static final int EVENTS = 10_000;
  private static final int KILL_AFTER = 3_000;
  private static final int THREADS = 8;

  @TempDir Path dir;

  @Test
  void events_spooled_before_a_sigkill_while_the_hub_was_down_reach_the_hub_exactly_once() throws Exception {
    int port = HubProcess.freePort();
    String hubUrl = "http://127.0.0.1:" + port; // nothing listens there yet: the hub is down
    Path spool = dir.resolve("spool");
    Path intended = dir.resolve("intended.txt");
    Path published = dir.resolve("published.txt");
    Path producerLog = dir.resolve("producer.log");

    // Given a producer publishing 10,000 events while the hub is down
    ChildJvm producer = ChildJvm.start(producerLog, ProducerProcess.class.getName(), List.of(
        "publish", hubUrl, spool.toString(), Integer.toString(EVENTS), intended.toString(),
        published.toString(), Integer.toString(THREADS)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (lines(published).size() < KILL_AFTER) {
      assertThat(producer.alive()).as("producer still publishing: " + ChildJvm.logTail(producerLog, 40)).isTrue();
      assertThat(System.nanoTime()).as("producer too slow").isLessThan(deadline);
      Thread.sleep(20);
    }

    // When it is killed with SIGKILL part-way
    producer.kill();
    assertThat(producer.waitFor(Duration.ofSeconds(30))).as("killed by SIGKILL").isEqualTo(128 + 9);
    Set<String> confirmed = new LinkedHashSet<>(lines(published));
    Set<String> attempted = new LinkedHashSet<>(lines(intended));
    assertThat(confirmed.size()).as("killed part-way").isBetween(KILL_AFTER, EVENTS - 1);

    // And the hub comes up, and a new producer opens the same spool
    try (HubProcess hub = HubProcess.builder(dir.resolve("hub.log")).dataDir(dir.resolve("hub-data")).port(port).start()) {
      Path drainLog = dir.resolve("drain.log");
      ChildJvm drainer = ChildJvm.start(drainLog, ProducerProcess.class.getName(),
          List.of("drain", hubUrl, spool.toString(), "240"));
      assertThat(drainer.waitFor(Duration.ofSeconds(300))).as(ChildJvm.logTail(drainLog, 40)).isZero();

      // Then the hub holds every confirmed id, and of the rest only publishes cut short by the kill
      HttpClient http = HttpClient.newHttpClient();
      Set<String> held = new HashSet<>();
      for (String id : attempted) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(hubUrl + "/events/" + id)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          JsonNode event = Json.READER.readTree(answer.body());
          assertThat(event.path("id").asText()).isEqualTo(id);
          assertThat(event.path("meta").path("service").asText()).isEqualTo(ProducerProcess.SERVICE);
          held.add(id);
        } else {
          assertThat(answer.statusCode()).as("GET /events/" + id).isEqualTo(404);
        }
      }
      assertThat(held).containsAll(confirmed);
      assertThat(held.size() - confirmed.size()).as("unconfirmed publishes held (at most one in flight per thread)")
          .isBetween(0, THREADS);
      // Each once: the hub created exactly as many events for this service as it holds.
      assertThat(createdCount(http, hubUrl)).isEqualTo(held.size());
      System.out.printf("producer SIGKILLed after %d confirmed publishes (%d attempted); the hub holds %d, each once%n",
          confirmed.size(), attempted.size(), held.size());
    }
  }

  private static List<String> lines(Path file) throws java.io.IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    // A line being written at the kill may be cut: only whole ids count.
    return Files.readAllLines(file).stream().filter(l -> l.length() == 36).toList();
  }

  /** The hub's own count of events created for the test service (docs/metrics.md, annals_hub_events_total). */
  private static long createdCount(HttpClient http, String hubUrl) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create(hubUrl + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Pattern created = Pattern.compile("^annals_hub_events_total\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    Matcher matcher = created.matcher(metrics);
    double sum = 0;
    while (matcher.find()) {
      String labels = matcher.group(1);
      if (labels.contains("outcome=\"created\"") && labels.contains("service=\"" + ProducerProcess.SERVICE + "\"")) {
        sum += Double.parseDouble(matcher.group(2));
      }
    }
    return (long) sum;
  }
}
