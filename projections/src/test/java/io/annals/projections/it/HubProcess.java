package io.annals.projections.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A real hub ({@code io.annals.hub.server.Main}, embedded store) in a child JVM on a free port,
 * and a loader of generated events. Aborts the calling test (skipped, and says so) when the hub
 * cannot start or has no {@code /feed} yet.
 */
final class HubProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final ChildJvm jvm;
  private final String url;

  private HubProcess(ChildJvm jvm, String url) {
    this.jvm = jvm;
    this.url = url;
  }

  static HubProcess start(Path dir) throws Exception {
    int port = freePort();
    Path data = Files.createDirectories(dir.resolve("hub-data"));
    ChildJvm jvm = ChildJvm.start(dir.resolve("hub.log"), "io.annals.hub.server.Main",
        List.of("--port", Integer.toString(port), "--data-dir", data.toString(), "--store", "embedded",
            "--bind", "127.0.0.1", "--feed-lag", "500ms"));
    HubProcess hub = new HubProcess(jvm, "http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!hub.ready()) {
      if (!jvm.alive() || System.nanoTime() > deadline) {
        jvm.close();
        Assumptions.abort("the hub did not start (see " + jvm.log() + "): " + Files.readString(jvm.log()).lines()
            .reduce((a, b) -> b).orElse(""));
      }
      Thread.sleep(100);
    }
    int feed = hub.get("/feed?limit=1").statusCode();
    if (feed == 404) {
      hub.close();
      Assumptions.abort("the hub has no GET /feed yet: the integration test cannot run");
    }
    return hub;
  }

  String url() {
    return url;
  }

  /** Posts {@code count} generated events in batches of 1,000 and checks that each was created. */
  void load(int count, long seed) throws Exception {
    Random random = new Random(seed);
    for (int from = 0; from < count; from += 1000) {
      ArrayNode batch = JsonNodeFactory.instance.arrayNode();
      for (int n = from; n < Math.min(count, from + 1000); n++) {
        batch.add(event(random, seed, n));
      }
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/events"))
              .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
              .POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).doesNotContain("\"invalid\"").doesNotContain("\"conflict\"");
    }
  }

  /** Payments (amounts of varying scale and currency), orders and parcels, created out of order over ten days. */
  private static ObjectNode event(Random random, long seed, int n) {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("id", new UUID(seed, n).toString());
    ObjectNode meta = event.putObject("meta");
    ObjectNode payload = event.putObject("payload");
    int kind = random.nextInt(10);
    if (kind < 6) {
      meta.put("service", "billing").put("type", "payment-completed");
      String amount = new java.math.BigDecimal(java.math.BigInteger.valueOf(random.nextInt(1_000_000)),
          random.nextInt(5)).toPlainString();
      payload.put("amount", amount + "/" + List.of("EUR", "USD", "JPY").get(random.nextInt(3)));
    } else if (kind < 9) {
      meta.put("service", "shop").put("type", "order-placed");
    } else {
      meta.put("service", "shipping").put("type", "parcel-sent");
    }
    Instant created = Instant.parse("2026-01-01T00:00:00Z").plusMillis((long) random.nextInt(864_000) * 1000
        + random.nextInt(1000));
    meta.put("created_at", created.toString());
    meta.put("aggregate_id", "thing/" + random.nextInt(5000));
    return event;
  }

  /** Waits until the feed's stable point has passed all {@code count} events. */
  void awaitStable(long count) throws InterruptedException {
    io.annals.hub.client.FeedReader reader = io.annals.hub.client.FeedReader.of(url, null);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (reader.lag(null, java.util.Set.of()).events() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the feed did not show " + count + " events within 60 s");
      }
      Thread.sleep(100);
    }
  }

  private boolean ready() {
    try {
      return get("/health/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    jvm.stop();
  }
}
