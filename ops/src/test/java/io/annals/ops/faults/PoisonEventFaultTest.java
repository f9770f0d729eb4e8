package io.annals.ops.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: a poison event, one the hub fails on (500) whenever a batch holds it, among
 * 1,000 that {@code annals-ops send} (a child JVM) delivers to a {@link PoisonHub} (another child
 * JVM). What must survive: the other 999 delivered within a minute, and the poison event still
 * pending, held back, not dead-lettered.
 */
class PoisonEventFaultTest {

  private static final int EVENTS = 1_000;
  private static final int POISON_AT = 300;
  private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  private Set<String> storedIds(URI hub) throws Exception {
    String body = http.send(HttpRequest.newBuilder(hub.resolve("/ids")).build(), HttpResponse.BodyHandlers.ofString())
        .body();
    return body.isEmpty() ? Set.of() : new HashSet<>(List.of(body.split("\n")));
  }

  private static URI awaitListening(OpsChild hub) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      Matcher m = LISTENING.matcher(hub.outSoFar());
      if (m.find()) {
        return URI.create("http://127.0.0.1:" + m.group(1));
      }
      if (!hub.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the poison hub did not start: " + hub.outSoFar());
      }
      Thread.sleep(50);
    }
  }

  @Test
  void a_poison_event_among_1000_holds_back_only_itself_and_the_other_999_arrive_within_a_minute() throws Exception {
    Path input = dir.resolve("events.ndjson");
    List<String> ids = OpsChild.writeEvents(input, EVENTS);
    String poison = ids.get(POISON_AT);
    Path spool = dir.resolve("spool");
    OpsChild hubProcess = OpsChild.start(dir, "poison-hub", null, PoisonHub.class.getName(), poison);
    try {
      URI hub = awaitListening(hubProcess);
      long started = System.nanoTime();
      // send waits for every event until its timeout: the poison one never arrives, so it times out.
      OpsChild send = OpsChild.send(dir, "send", input, "--hub", hub.toString(), "--service", "shop",
          "--spool", spool.toString(), "--timeout", "45");

      Set<String> others = new HashSet<>(ids);
      others.remove(poison);
      while (!storedIds(hub).containsAll(others) && send.isAlive()) {
        Thread.sleep(200);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      System.out.printf("PoisonEventFaultTest: the other %d events were at the hub %d ms after send started%n",
          EVENTS - 1, took.toMillis());
      assertThat(storedIds(hub)).as("the other 999 delivered while send still waits").containsAll(others)
          .doesNotContain(poison);
      assertThat(took).as("the other 999 delivered within a minute").isLessThan(Duration.ofMinutes(1));

      OpsChild.Ended ended = send.await(120);
      assertThat(ended.exit()).as("the poison event is still pending; stderr: %s", ended.err()).isEqualTo(75);
      assertThat(ended.out()).contains("delivered " + (EVENTS - 1) + " created").contains("0 dead-lettered");
      assertThat(ended.err()).contains("1 events not delivered").contains("1 of them held back")
          .contains("event " + poison + " held back");
      assertThat(spool.resolve("dead-letters.jsonl")).as("held back, not dead-lettered").doesNotExist();
      assertThat(storedIds(hub)).hasSize(EVENTS - 1);
    } finally {
      hubProcess.kill();
    }
  }
}
