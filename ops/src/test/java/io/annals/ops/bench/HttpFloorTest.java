package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.annals.testsupport.ChildJvm;
import io.annals.testsupport.HubProcess;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpFloorTest {

  @Test
  void the_floor_server_reads_a_posted_event_and_answers_201_with_it_and_a_location() throws Exception {
    Javalin app = HttpFloor.start(0);
    try {
      String event = "{\"id\":\"x\",\"payload\":{\"amount\":\"1.00/EUR\"}}";
      HttpResponse<String> answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/events"))
              .POST(HttpRequest.BodyPublishers.ofString(event)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).isEqualTo(201);
      assertThat(answer.body()).isEqualTo(event);
      assertThat(answer.headers().firstValue("Location")).hasValue(HttpFloor.LOCATION);
    } finally {
      app.stop();
    }
  }

  @Test
  void a_floor_server_that_cannot_start_fails_the_measurement_with_its_log(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("http-floor.log");
    try (ChildJvm server = ChildJvm.start(log, HttpFloor.class.getName(), List.of("not-a-port"))) {
      assertThatThrownBy(() -> HttpFloor.awaitAnswer(URI.create("http://127.0.0.1:" + HubProcess.freePort()), server, log))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("did not answer")
          .hasMessageContaining("NumberFormatException");
    }
  }

  @Test
  void the_hubs_cpu_beyond_the_floor_and_the_raw_insert_and_the_ceiling_follow_from_the_floor_figures() {
    // 25,000 requests/s on 2 cores: each costs the machine 80 µs; with a raw insert of 20 µs, 100 µs.
    HttpFloor.Figures floor = new HttpFloor.Figures(25_000, 30, 0.25, new JitWarmUp(Duration.ofSeconds(6), 2, 0.01, Double.NaN), 2);
    Map<String, Object> details = new LinkedHashMap<>();

    floor.addTo(details, 110, 20);

    assertThat(details).containsEntry("http_floor_events_per_s", 25_000.0)
        .containsEntry("http_floor_server_cpu_us_per_request", 30.0)
        .containsEntry("hub_cpu_us_per_event_beyond_http_floor_and_raw_insert", 60.0)
        .containsEntry("http_floor_warm_up_s", 6.0);
    assertThat((double) details.get("ceiling_events_per_s_http_floor_plus_raw_insert")).isCloseTo(20_000, within(1e-6));
  }
}
