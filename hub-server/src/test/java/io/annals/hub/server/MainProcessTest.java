package io.annals.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Main in a child JVM: start-up errors and graceful stop. */
class MainProcessTest {

  @TempDir Path dir;

  @Test
  void a_wrong_value_stops_start_up_with_one_line_naming_it_and_exit_code_2() throws Exception {
    HubProcess hub = HubProcess.start(Map.of("HUB_PORT", "eighty", "HUB_DATA_DIR", dir.toString()));

    int exit = hub.awaitExit();

    assertThat(exit).isEqualTo(2);
    assertThat(hub.output()).hasSize(1);
    assertThat(hub.output().get(0)).contains("HUB_PORT", "--port", "\"eighty\"", "expected");
  }

  @Test
  void a_wrong_flag_value_also_exits_2() throws Exception {
    HubProcess hub = HubProcess.start(Map.of(), "--store", "cassandra");

    assertThat(hub.awaitExit()).isEqualTo(2);
    assertThat(String.join("\n", hub.output())).contains("HUB_STORE / --store = \"cassandra\"");
  }

  @Test
  void sigterm_stops_gracefully_after_logging_the_start_up_line() throws Exception {
    try (HubProcess hub = HubProcess.startOn(dir)) {
      HttpResponse<String> live = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/health/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);

      // SIGTERM through the handle: Process.destroy() would also close the output we still read
      hub.process().toHandle().destroy();
      int exit = hub.awaitExit();

      // 143 = 128 + SIGTERM: the JVM's answer to a TERM, after its shutdown hooks ran
      assertThat(exit).as("exit code; output %s", hub.output()).isEqualTo(143);
      assertThat(String.join("\n", hub.output()))
          .contains("store=embedded data_dir=" + dir.toAbsolutePath())
          .contains("annals hub stopped");
    }
  }
}
