package io.annals.hub.server;

import static io.annals.hub.server.TestEvents.json;
import static io.annals.hub.server.TestEvents.newId;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Producers posting single events as fast as they are answered, the way the SDK does: an event is
 * retried after 429/503 until it is acknowledged (200/201). Records every acknowledged event and
 * every answer that a correct hub must never give.
 */
public final class LoadClients {

  /** How a client reaches the hub; a connection failure (hub killed) ends that client. */
  private final IntSupplier port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, String> sent = new ConcurrentHashMap<>();
  private final List<String> wrongAnswers = new CopyOnWriteArrayList<>();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger connectionFailures = new AtomicInteger();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final boolean stopOnConnectionFailure;

  public LoadClients(IntSupplier port, boolean stopOnConnectionFailure) {
    this.port = port;
    this.stopOnConnectionFailure = stopOnConnectionFailure;
  }

  public LoadClients start(int clients) {
    for (int i = 0; i < clients; i++) {
      Thread t = new Thread(this::run, "load-client-" + i);
      threads.add(t);
      t.start();
    }
    return this;
  }

  /** Stops after each client's current event is acknowledged (or its connection failed). */
  public void stopAndJoin() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
  }

  /** Acknowledged events: id → the JSON that was sent. */
  public Map<String, String> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  /** Every event sent at least once, acknowledged or not: id → JSON. */
  public Map<String, String> sent() {
    return Map.copyOf(sent);
  }

  public int acknowledgedCount() {
    return acknowledged.size();
  }

  /** 503 answers that carried Retry-After. */
  public int unavailableAnswers() {
    return unavailable.get();
  }

  /** Answers no client should see: 500s, 503 without Retry-After, anything unexpected. */
  public List<String> wrongAnswers() {
    return List.copyOf(wrongAnswers);
  }

  private void run() {
    while (!stop.get()) {
      String id = newId();
      String event = json(id);
      sent.put(id, event);
      if (!deliver(id, event)) {
        return;
      }
    }
  }

  /** Retries one event until acknowledged; false when the hub cannot be reached any more. */
  private boolean deliver(String id, String event) {
    while (true) {
      HttpResponse<String> answer;
      try {
        answer = postEvents(http, port.getAsInt(), event);
      } catch (java.net.http.HttpTimeoutException e) {
        wrongAnswers.add("request timed out (hub hung) for " + id);
        return false;
      } catch (IOException e) {
        connectionFailures.incrementAndGet();
        if (stopOnConnectionFailure) {
          return false;
        }
        pause(50);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      int status = answer.statusCode();
      if (status == 200 || status == 201) {
        acknowledged.put(id, event);
        return true;
      }
      if ((status == 503 || status == 429) && answer.headers().firstValue("Retry-After").isPresent()) {
        if (status == 503) {
          unavailable.incrementAndGet();
        }
        // A real client waits Retry-After seconds; the test keeps the same behaviour, just shorter.
        pause(100);
        continue;
      }
      wrongAnswers.add(status + " " + answer.body());
      return false;
    }
  }

  /** One {@code POST /events} of {@code body} (JSON) to the hub on {@code port} of this machine. */
  public static HttpResponse<String> postEvents(HttpClient http, int port, String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
        // Far above any bounded wait of the hub: hitting it means the hub hung.
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Asserts that each acknowledged event reads back (through {@code get}) as it was sent, plus received_at. */
  public static void assertStoredAsSent(java.util.function.Function<String, HttpResponse<String>> get,
      Map<String, String> acknowledged) {
    org.assertj.core.api.Assertions.assertThat(acknowledged).isNotEmpty();
    acknowledged.forEach((id, json) -> {
      HttpResponse<String> stored = get.apply("/events/" + id);
      org.assertj.core.api.Assertions.assertThat(stored.statusCode()).as("acknowledged event %s", id).isEqualTo(200);
      var body = (com.fasterxml.jackson.databind.node.ObjectNode) TestEvents.parse(stored.body());
      ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("meta")).remove("received_at");
      var expected = (com.fasterxml.jackson.databind.node.ObjectNode) TestEvents.parse(json);
      org.assertj.core.api.Assertions.assertThat(java.time.Instant.parse(body.at("/meta/created_at").asText()))
          .isEqualTo(java.time.Instant.parse(expected.at("/meta/created_at").asText()));
      ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("meta"))
          .put("created_at", body.at("/meta/created_at").asText());
      org.assertj.core.api.Assertions.assertThat(body).isEqualTo(expected);
    });
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
