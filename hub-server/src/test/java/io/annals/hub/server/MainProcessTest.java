package io.annals.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.annals.testsupport.HubProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Main in a child JVM: start-up errors and graceful stop. */
class MainProcessTest {

  @TempDir Path dir;

  @Test
  void a_wrong_value_stops_start_up_with_one_line_naming_it_and_exit_code_2() throws Exception {
    HubProcess hub = HubProcess.builder(dir.resolve("hub.log")).port(HubProcess.PORT_FROM_ENVIRONMENT)
        .env(Map.of("HUB_PORT", "eighty", "HUB_DATA_DIR", dir.toString())).launch();

    int exit = hub.awaitExit();

    assertThat(exit).isEqualTo(2);
    assertThat(hub.output()).hasSize(1);
    assertThat(hub.output().get(0)).contains("HUB_PORT", "--port", "\"eighty\"", "expected");
  }

  @Test
  void a_wrong_flag_value_also_exits_2() throws Exception {
    HubProcess hub = HubProcess.builder(dir.resolve("hub.log")).args("--store", "cassandra").launch();

    assertThat(hub.awaitExit()).isEqualTo(2);
    assertThat(String.join("\n", hub.output())).contains("HUB_STORE / --store = \"cassandra\"");
  }

  @Test
  void sigterm_stops_gracefully_after_logging_the_start_up_line() throws Exception {
    try (HubProcess hub = HubProcess.startIn(dir)) {
      HttpResponse<String> live = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(hub.url() + "/health/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);

      hub.terminate();
      int exit = hub.awaitExit();

      // 143 = 128 + SIGTERM: the JVM's answer to a TERM, after its shutdown hooks ran
      assertThat(exit).as("exit code; output %s", hub.output()).isEqualTo(143);
      assertThat(String.join("\n", hub.output()))
          .contains("store=embedded data_dir=" + dir.resolve("data").toAbsolutePath())
          .contains("annals hub stopped");
    }
  }
}
