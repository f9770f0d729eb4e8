package io.annals.hub.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.Await;
import io.annals.testsupport.HubProcess;
import io.annals.hub.server.TestEvents;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: the wall clock steps back 10 minutes (an NTP correction, a restored VM) under
 * the real hub in a child process, by Debian's libfaketime: {@code LD_PRELOAD} with a
 * {@code FAKETIME_TIMESTAMP_FILE} rewritten during the test and {@code FAKETIME_NO_CACHE=1}.
 * {@code FAKETIME_DONT_FAKE_MONOTONIC=1}: an NTP step moves the wall clock only, never the
 * monotonic one (and the JVM hangs otherwise, says libfaketime's README);
 * {@code FAKETIME_FORCE_MONOTONIC_FIX=0}: with that glibc workaround on, the hub took 98 s to start
 * here instead of 2.6 s, and 2.5 s per request.
 * Without libfaketime (the package {@code faketime}, which .ci/run installs) the test is skipped
 * and says so.
 */
class ClockStepFaultTest {

  static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

  @TempDir Path dir;

  @Test
  void after_the_clock_steps_back_10_minutes_during_writes_and_across_a_restart_a_feed_follower_sees_every_acknowledged_event_exactly_once()
      throws Exception {
    if (!Files.isRegularFile(LIBFAKETIME)) {
      String why = "ClockStepFaultTest skipped: libfaketime is not installed (" + LIBFAKETIME
          + "; Debian package faketime, installed by .ci/run via ops/ci/check-ops.sh)";
      System.out.println(why);
      Assumptions.abort(why);
    }
    Path offset = dir.resolve("faketime");
    Files.writeString(offset, "+0\n");
    Map<String, String> env = Map.of(
        "LD_PRELOAD", LIBFAKETIME.toString(),
        "FAKETIME_TIMESTAMP_FILE", offset.toString(),
        "FAKETIME_NO_CACHE", "1",
        "FAKETIME_DONT_FAKE_MONOTONIC", "1",
        "FAKETIME_FORCE_MONOTONIC_FIX", "0");
    Path data = dir.resolve("data");
    List<String> acknowledged = new ArrayList<>();
    AtomicReference<HubProcess> hub = new AtomicReference<>();
    FaultClient client = new FaultClient(() -> hub.get().port());

    // Given a hub under libfaketime taking events, and a follower that has read them all
    hub.set(FaultHubs.started(data, env));
    try {
      send(client, acknowledged, 50);
      Await.until("the follower saw the first 50 events", () -> { client.follow(); return client.seen().size() == 50; });

      // When the wall clock steps back 10 minutes while events keep arriving
      Files.writeString(offset, "-10m\n");
      send(client, acknowledged, 50);

      // Then the feed keeps moving: the follower sees them without waiting 10 minutes for the clock
      Await.until("the follower saw the 50 events after the step", () -> { client.follow(); return client.seen().size() == 100; });
      assertThat(String.join("\n", hub.get().output())).contains("the clock stepped back by");

      // And when the hub restarts while the clock is still 10 minutes behind
      hub.get().terminate();
      hub.get().awaitExit();
      hub.set(FaultHubs.started(data, env));
      send(client, acknowledged, 50);

      // Then the follower, carrying on from its cursor, sees the new events too, each once, in order
      Await.until("the follower saw the 50 events after the restart", () -> { client.follow(); return client.seen().size() == 150; });
      client.follow();
      assertThat(client.seen()).containsOnlyKeys(acknowledged).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
      List<String> times = client.receivedAtInOrder();
      assertThat(times).isSortedAccordingTo(String::compareTo);
      System.out.println("ClockStepFaultTest: 150 acknowledged events seen exactly once across a 10-minute step back"
          + " and a restart; received_at " + times.get(0) + " .. " + times.get(times.size() - 1));
    } finally {
      hub.get().close();
    }
  }

  private static void send(FaultClient client, List<String> acknowledged, int events) {
    for (int i = 0; i < events; i++) {
      String id = TestEvents.newId();
      HttpResponse<String> answer = client.post(id);
      assertThat(answer).as("answer to event %s", id).isNotNull();
      assertThat(answer.statusCode()).as("answer to event %s: %s", id, answer.body()).isEqualTo(201);
      acknowledged.add(id);
    }
  }
}
