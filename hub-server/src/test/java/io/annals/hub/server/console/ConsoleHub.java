package io.annals.hub.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.Await;
import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestEvents;
import io.annals.testsupport.HubProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real hub in a child JVM with the test keys file, and the HTTP calls the console tests make around the browser. */
final class ConsoleHub implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final HubProcess hub;

  private ConsoleHub(HubProcess hub) {
    this.hub = hub;
  }

  static ConsoleHub start(Path dir) throws IOException {
    Path keys = TestApiKeys.write(Files.createDirectories(dir.resolve("keys")));
    return new ConsoleHub(HubProcess.builder(dir.resolve("hub.log")).dataDir(dir.resolve("data"))
        .env(java.util.Map.of("HUB_API_KEYS_FILE", keys.toString())).start());
  }

  String url() {
    return hub.url();
  }

  /** A native event as a tree to fill in. */
  static ObjectNode event(String service, String type, String aggregateId, String correlationId, String createdAt) {
    ObjectNode event = TestEvents.JSON.createObjectNode();
    event.put("id", TestEvents.newId());
    ObjectNode meta = event.putObject("meta");
    meta.put("service", service);
    meta.put("type", type);
    meta.put("created_at", createdAt);
    meta.put("aggregate_id", aggregateId);
    if (correlationId != null) {
      meta.put("correlation_id", correlationId);
    }
    event.putObject("payload");
    return event;
  }

  /** Publishes {@code json} (an event or a batch) with the admin key; fails unless the hub answers 200 or 201. */
  HttpResponse<String> publish(String json) {
    HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/events")).header("Content-Type", "application/json")
        .header("Authorization", TestApiKeys.bearer(TestApiKeys.ADMIN)).POST(HttpRequest.BodyPublishers.ofString(json)));
    if (answer.statusCode() != 201 && answer.statusCode() != 200) {
      throw new AssertionError("publishing failed: " + answer.statusCode() + " " + answer.body());
    }
    return answer;
  }

  /** GET {@code path} with the reader key, as JSON; null for a 404. */
  JsonNode read(String path) {
    HttpResponse<String> answer = send(HttpRequest.newBuilder(uri(path))
        .header("Authorization", TestApiKeys.bearer(TestApiKeys.READER)).GET());
    return answer.statusCode() == 404 ? null : TestEvents.parse(answer.body());
  }

  /** Waits until the ledger's signed tree holds at least {@code leaves} leaves (every event published so far). */
  void awaitLedger(long leaves) {
    Await.until("the ledger holds " + leaves + " leaves", () -> read("/ledger/digest").path("tree_size").asLong() >= leaves);
  }

  private URI uri(String path) {
    return URI.create(hub.url() + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("the hub did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    hub.close();
  }
}
