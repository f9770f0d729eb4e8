package io.annals.projections.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.client.FeedReader;
import io.annals.testsupport.HubProcess;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The real hub for the integration tests (test-support's {@link HubProcess}: a hub that cannot
 * start fails the test), and a loader of generated events.
 */
final class HubEvents {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HubEvents() {}

  /** A hub with its data in {@code dir/hub-data}, its log {@code dir/hub.log}, a short feed lag. */
  static HubProcess startHub(Path dir) {
    return HubProcess.builder(dir.resolve("hub.log")).dataDir(dir.resolve("hub-data"))
        .args("--store", "embedded", "--feed-lag", "500ms").start();
  }

  /** Posts {@code count} generated events in batches of 1,000 and checks that each was created. */
  static void load(HubProcess hub, int count, long seed) throws Exception {
    Random random = new Random(seed);
    for (int from = 0; from < count; from += 1000) {
      ArrayNode batch = JsonNodeFactory.instance.arrayNode();
      for (int n = from; n < Math.min(count, from + 1000); n++) {
        batch.add(event(random, seed, n));
      }
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(hub.url() + "/events"))
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
      String amount = new BigDecimal(BigInteger.valueOf(random.nextInt(1_000_000)), random.nextInt(5)).toPlainString();
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

  /** Waits until the feed's stable point has passed all {@code count} events; fails after 60 s. */
  static void awaitStable(HubProcess hub, long count) throws InterruptedException {
    FeedReader reader = FeedReader.of(hub.url(), null);
    Deadline deadline = Deadline.in(Duration.ofSeconds(60), "the feed to show " + count + " events");
    while (reader.lag(null, Set.of()).events() < count) {
      deadline.sleep(100);
    }
  }
}
