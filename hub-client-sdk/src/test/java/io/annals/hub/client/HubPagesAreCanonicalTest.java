package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.testsupport.HubProcess;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's fast page reader is only worth having if the real hub's pages fit it: feed pages of a
 * real hub (child JVM, embedded store), holding payloads with escapes, non-ASCII text, decimals
 * and nesting, are read by {@link CanonicalPageReader}, not handed to Jackson, and read as Jackson
 * reads them.
 */
class HubPagesAreCanonicalTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  private static final int EVENTS = 60;

  @TempDir Path dir;

  @Test
  void the_hubs_feed_pages_are_in_the_layout_the_fast_reader_takes() throws Exception {
    try (HubProcess hub = HubProcess.startIn(dir)) {
      HttpClient http = HttpClient.newHttpClient();
      ArrayNode batch = NODES.arrayNode();
      for (int i = 0; i < EVENTS; i++) {
        batch.add(event(i));
      }
      HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(hub.url() + "/events"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

      byte[] body = fullPage(http, hub);

      FeedPage fast = CanonicalPageReader.read(body);
      assertThat(fast).as("the hub's page read by the fast reader").isNotNull();
      FeedPage token = FeedJson.tokenPage(body);
      assertThat(fast.events()).isEqualTo(token.events());
      assertThat(fast.events()).extracting(ReceivedEvent::payloadJson)
          .isEqualTo(token.events().stream().map(ReceivedEvent::payloadJson).toList());
      assertThat(fast.next()).isEqualTo(token.next());
      assertThat(fast.stableUntil()).isEqualTo(token.stableUntil());
      assertThat(fast.events()).extracting(e -> e.payload().get("note").asText() + " " + e.payload().get("amount").decimalValue())
          .containsExactlyInAnyOrderElementsOf(batch.findValues("payload").stream()
              .map(p -> p.get("note").asText() + " " + p.get("amount").decimalValue()).toList());
    }
  }

  /** The first page once every event posted is stable (the feed shows events only after its lag). */
  private static byte[] fullPage(HttpClient http, HubProcess hub) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      HttpResponse<byte[]> page = http.send(HttpRequest.newBuilder(URI.create(hub.url() + "/feed?limit=1000")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(page.statusCode()).isEqualTo(200);
      if (FeedJson.tokenPage(page.body()).events().size() == EVENTS) {
        return page.body();
      }
      assertThat(System.nanoTime()).as("all events in the feed within 60 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static ObjectNode event(int i) {
    ObjectNode event = NODES.objectNode();
    event.put("id", UUID.randomUUID().toString());
    ObjectNode meta = event.putObject("meta");
    meta.put("service", "billing");
    meta.put("type", i % 2 == 0 ? "payment-completed" : "payment-refunded");
    meta.put("created_at", "2026-01-0" + (1 + i % 9) + "T12:00:00." + String.format("%06d", i * 7919) + "Z");
    meta.put("aggregate_id", "payment/" + i);
    if (i % 3 != 0) {
      meta.put("correlation_id", "checkout/" + (i / 3));
    }
    ObjectNode payload = event.putObject("payload");
    payload.put("amount", new BigDecimal("12.3400").add(BigDecimal.valueOf(i)));
    payload.put("scaled", new BigDecimal("1.5E+" + (i % 30)));
    payload.put("negative", -i);
    payload.put("note", List.of("plain", "Zürich € 😀", "quote \" backslash \\ tab \t newline \n", "\u0001 control")
        .get(i % 4));
    payload.put("paid", i % 2 == 0);
    payload.putNull("refund");
    payload.putArray("lines").addObject().put("sku", "sku-" + i).putArray("tags").add("a").add(1.25);
    payload.putObject("empty");
    payload.putArray("none");
    return event;
  }
}
