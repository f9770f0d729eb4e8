package io.annals.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.event.EventContent;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ingest.EventValidator;
import io.annals.hub.server.ingest.StrictJson;
import io.annals.hub.server.ingest.Validation;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import io.annals.testsupport.HubProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md: "an answer of 200/201 means the event is durable: it survives kill -9 of the hub at
 * once after". The real Main in a child JVM, 16 concurrent clients, SIGKILL mid-stream, restart.
 */
class DurabilityKillTest {

  @TempDir Path dir;

  @Test
  void every_acknowledged_event_survives_sigkill_mid_stream_and_nothing_is_half_written() throws Exception {
    // Given a hub process taking events from 16 concurrent clients
    try (HubProcess hub = HubProcess.startIn(dir)) {
      LoadClients load = new LoadClients(hub::port, true).start(16);
      Await.until("300 events acknowledged", () -> load.acknowledgedCount() >= 300);

      // When it is killed with SIGKILL while requests are in flight
      hub.kill();
      load.stopAndJoin();
      Map<String, String> acknowledged = load.acknowledged();
      Map<String, String> sent = load.sent();
      assertThat(load.wrongAnswers()).isEmpty();

      // Then the data holds only whole events that were sent, each exactly as sent
      EventValidator validator = new EventValidator(StrictJson.mapper(), Clock.systemUTC(), Duration.ofMinutes(5));
      try (SqliteEventStore store = SqliteEventStore.open(dir.resolve("data"))) {
        List<StoredEvent> stored = store.query(EventFilter.none(), null, 1_000_000);
        assertThat(stored.size()).isGreaterThanOrEqualTo(acknowledged.size());
        for (StoredEvent e : stored) {
          assertThat(sent).containsKey(e.id());
          Validation v = validator.validate(TestEvents.parse(sent.get(e.id())), "");
          assertThat(EventContent.sameContent(e.event(), ((Validation.Valid) v).event())).as("content of %s", e.id()).isTrue();
        }
      }

      // And the hub restarted on the same data serves every acknowledged event as it was sent
      hub.restart();
      HttpClient http = HttpClient.newHttpClient();
      LoadClients.assertStoredAsSent(path -> get(http, hub.port(), path), acknowledged);
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
