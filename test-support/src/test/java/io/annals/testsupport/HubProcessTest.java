package io.annals.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubProcessTest {

  @TempDir Path dir;

  private HubProcess.Builder standIn(Path data) {
    return HubProcess.builder(dir.resolve("hub.log")).mainClass(StandInHub.class.getName()).dataDir(data);
  }

  @Test
  void a_hub_that_cannot_start_fails_with_the_last_lines_of_its_log() {
    assertThatThrownBy(() -> HubProcess.builder(dir.resolve("hub.log")).mainClass("no.such.Main").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the hub did not start: it exited with 1")
        .hasMessageContaining("no.such.Main");
  }

  @Test
  void a_hub_that_exits_at_start_up_fails_with_its_exit_code_and_its_message() {
    assertThatThrownBy(() -> standIn(dir.resolve("data")).args("--fail").start())
        .hasMessageContaining("it exited with 2").hasMessageContaining("refusing to start: --fail");
  }

  @Test
  void start_waits_until_the_hub_is_ready_and_gives_its_url_and_environment() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    try (HubProcess hub = standIn(data).env(Map.of("STAND_IN", "given")).launch()) {
      Thread.sleep(300); // listening, but answering 503: not ready yet
      Files.createFile(data.resolve("ready"));

      hub.awaitReady();

      assertThat(hub.url()).isEqualTo("http://127.0.0.1:" + hub.port());
      assertThat(hub.port()).isPositive();
      assertThat(hub.output()).anyMatch(line -> line.endsWith("env=given"));
    }
  }

  @Test
  void a_killed_hub_restarts_on_the_same_data_and_port_and_its_log_keeps_both_runs() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.createFile(data.resolve("ready"));
    try (HubProcess hub = standIn(data).start()) {
      int port = hub.port();
      long firstPid = hub.pid();

      hub.kill();
      assertThat(hub.alive()).isFalse();
      hub.restart();

      assertThat(hub.pid()).isNotEqualTo(firstPid);
      assertThat(hub.port()).isEqualTo(port);
      assertThat(Files.readAllLines(data.resolve("starts"))).hasSize(2);
      assertThat(hub.output()).hasSize(1);
      assertThat(Files.readAllLines(hub.log())).hasSize(2);
    }
  }

  @Test
  void a_hub_never_ready_fails_after_its_timeout_and_is_killed() throws Exception {
    HubProcess hub = standIn(Files.createDirectories(dir.resolve("data"))).readyWithin(Duration.ofSeconds(2)).launch();

    assertThatThrownBy(hub::awaitReady).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not ready within 2 s; killed").hasMessageContaining("annals hub listening on");
    assertThat(hub.alive()).isFalse();
  }

  @Test
  void a_running_hub_is_not_restarted() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.createFile(data.resolve("ready"));
    try (HubProcess hub = standIn(data).start()) {
      assertThatThrownBy(hub::restart).hasMessageContaining("still runs");
    }
  }

  @Test
  void a_sigkilled_hub_exits_with_137() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.createFile(data.resolve("ready"));
    try (HubProcess hub = standIn(data).start()) {
      hub.kill();
      assertThat(hub.awaitExit()).isEqualTo(128 + 9);
    }
  }
}
