package io.annals.hub.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.Await;
import io.annals.testsupport.HubProcess;
import io.annals.hub.server.TestEvents;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: the embedded store's disk fills up under the real hub in a child process. The
 * data directory is on a 64 MiB tmpfs mounted for the test ({@code mount -t tmpfs}, as root; CI
 * runs as root), filled to the last byte by a filler file and freed by deleting it. Where mounting
 * is not allowed the test is skipped and says so.
 */
class FullDiskFaultTest {

  @TempDir Path dir;
  Path mount;
  Path filler;
  boolean mounted;

  @BeforeEach
  void mount_a_small_file_system() throws Exception {
    mount = Files.createDirectories(dir.resolve("disk"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      String why = "FullDiskFaultTest skipped: cannot mount a tmpfs here (" + out.strip() + "); it needs root, as CI has";
      System.out.println(why);
      Assumptions.abort(why);
    }
    mounted = true;
    filler = mount.resolve("filler");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void a_full_disk_turns_readiness_false_answers_503_with_retry_after_loses_no_acknowledged_event_and_recovers_when_space_returns()
      throws Exception {
    Path data = mount.resolve("data");
    List<String> acknowledged = new ArrayList<>();
    HubProcess hub = FaultHubs.started(data, Map.of());
    try {
      FaultClient client = new FaultClient(hub::port);
      // Given a hub that stored some events
      assertThat(sendBatch(client, acknowledged).statusCode()).isEqualTo(200);

      // When its disk fills up to the last byte
      fill();
      HttpResponse<String> refused = null;
      for (int i = 0; i < 500 && refused == null; i++) {
        HttpResponse<String> answer = sendBatch(client, acknowledged);
        if (answer.statusCode() != 200) {
          refused = answer;
        }
      }

      // Then appends answer 503 store-full with Retry-After, and readiness turns false
      assertThat(refused).as("an append refused on the full disk").isNotNull();
      assertStoreFull(refused);
      Await.until("readiness false", () -> client.get("/health/ready").statusCode() == 503);
      assertStoreFull(client.get("/health/ready"));
      for (int i = 0; i < 20; i++) {
        assertStoreFull(sendBatch(client, acknowledged));
      }
      Thread.sleep(1000); // a second of checkpoints retrying every 20 ms
      // And each state is logged once, not once per attempt
      assertThat(count(hub, "fail for lack of space")).as("log: %s", hub.output()).isEqualTo(1);
      assertThat(count(hub, "background checkpoint of")).as("checkpointer lines: %s", hub.output()).isLessThanOrEqualTo(1);
      assertThat(count(hub, "store unavailable")).as("per-request lines").isZero();

      // When space returns, readiness and appends come back by themselves
      Files.delete(filler);
      Await.until("readiness true again", () -> client.get("/health/ready").statusCode() == 200);
      assertThat(sendBatch(client, acknowledged).statusCode()).isEqualTo(200);
      assertThat(count(hub, "has space again") + count(hub, "succeed again")).isGreaterThanOrEqualTo(1);

      // And a hub stopped, and restarted once its disk is full again, refuses to start, saying why.
      // (Stopped gracefully: its log is copied into the file and deleted, so that the restart needs
      // new space for the log; a log left by kill -9 may have room for a few more writes, and the
      // hub then starts and answers as above.)
      hub.terminate();
      hub.awaitExit();
      fill();
      HubProcess second = FaultHubs.launched(data, Map.of());
      int exit = second.awaitExit();
      List<String> refusal = second.output().stream().filter(l -> l.startsWith("annals hub: could not start")).toList();
      System.out.println("FullDiskFaultTest (tmpfs of 64 MiB, filled by a file): restart on the full disk: exit " + exit + ", " + refusal);
      assertThat(exit).isEqualTo(1);
      assertThat(refusal).hasSize(1);
      assertThat(refusal.get(0)).contains("no space left").contains(data.resolve("events.db").toString());
    } finally {
      hub.close();
    }

    // Then, once space returns, a restarted hub serves every acknowledged event
    Files.deleteIfExists(filler);
    try (HubProcess third = FaultHubs.started(data, Map.of())) {
      FaultClient client = new FaultClient(third::port);
      assertThat(client.get("/health/ready").statusCode()).isEqualTo(200);
      for (String id : acknowledged) {
        HttpResponse<String> answer = client.get("/events/" + id);
        assertThat(answer.statusCode()).as("acknowledged event %s", id).isEqualTo(200);
      }
      System.out.println("FullDiskFaultTest: all " + acknowledged.size() + " acknowledged events served after recovery");
    }
  }

  /** Sends a batch of 200 events; adds the created ones to {@code acknowledged}. */
  private static HttpResponse<String> sendBatch(FaultClient client, List<String> acknowledged) {
    List<String> ids = IntStream.range(0, 200).mapToObj(i -> TestEvents.newId()).toList();
    HttpResponse<String> answer = client.postBatch(ids);
    assertThat(answer).isNotNull();
    assertThat(answer.statusCode()).as("never a 500: %s", answer.body()).isNotEqualTo(500);
    if (answer.statusCode() == 200) {
      for (JsonNode result : TestEvents.parse(answer.body()).get("results")) {
        assertThat(result.get("outcome").asText()).isEqualTo("created");
        acknowledged.add(result.get("id").asText());
      }
    }
    return answer;
  }

  private static void assertStoreFull(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(TestEvents.parse(answer.body()).get("type").asText()).isEqualTo("urn:annals:problem:store-full");
  }

  private static long count(HubProcess hub, String text) {
    return hub.output().stream().filter(l -> l.contains(text)).count();
  }

  /** Writes the filler file until the file system has no byte left. */
  private void fill() throws IOException {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException e) {
      // ENOSPC: full. Top up the last partial block too.
      try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
        while (true) {
          out.write(0);
          out.flush();
        }
      } catch (IOException full) {
        return;
      }
    }
  }
}
