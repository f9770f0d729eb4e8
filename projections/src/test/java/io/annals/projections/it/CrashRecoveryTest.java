package io.annals.projections.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.projections.sql.Database;
import io.annals.testsupport.ChildJvm;
import io.annals.testsupport.HubProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-show 1: a worker killed with SIGKILL at random points of a 50,000-event catch-up from a
 * real hub, and started again each time, ends with read models equal to those of one clean run:
 * nothing applied twice (the audit table's primary key would have stopped it), nothing skipped.
 */
class CrashRecoveryTest {

  private static final int EVENTS = 50_000;

  @TempDir Path dir;

  @Test
  void a_worker_killed_at_random_points_of_a_catch_up_ends_with_the_read_models_of_a_clean_run() throws Exception {
    try (HubProcess hub = HubEvents.startHub(dir)) {
      HubEvents.load(hub, EVENTS, 42);
      HubEvents.awaitStable(hub, EVENTS);
      Database clean = Database.open("jdbc:sqlite:" + dir.resolve("clean.db"));
      Database crashed = Database.open("jdbc:sqlite:" + dir.resolve("crashed.db"));

      assertThat(Workers.start(dir, "clean", hub.url(), clean.url(), "run-once").waitFor(Duration.ofSeconds(300))).isZero();

      Random random = new Random(7);
      int kills = 0;
      long seen = 0;
      StringBuilder killedAt = new StringBuilder();
      for (int round = 0; round < 24 && seen < EVENTS; round++) {
        ChildJvm worker = Workers.start(dir, "victim-" + round, hub.url(), crashed.url(), "run",
            "--lease-timeout", "1s", "--interval", "200ms");
        // Kill at a random point ahead: sometimes during start-up, mostly inside the catch-up.
        // Steps and pauses are short because a catch-up runs at tens of thousands of events a
        // second: longer ones let the first few workers finish it and leave too few kills.
        long target = round % 4 == 0 ? seen : Math.min(EVENTS, seen + 1 + random.nextInt(4_500));
        long giveUp = System.nanoTime() + 60_000_000_000L;
        while (worker.alive() && Workers.audited(crashed) < target && System.nanoTime() < giveUp) {
          Thread.sleep(random.nextInt(5));
        }
        Thread.sleep(random.nextInt(30));
        worker.kill();
        kills++;
        seen = Workers.audited(crashed);
        killedAt.append(' ').append(seen);
      }
      ChildJvm last = Workers.start(dir, "survivor", hub.url(), crashed.url(), "run",
          "--lease-timeout", "1s", "--interval", "200ms");
      Deadline deadline = Deadline.in(Duration.ofMinutes(5), "the survivor to catch up; log: " + last.log());
      while (!Workers.handled(crashed).equals(Workers.handled(clean))) {
        assertThat(last.alive()).as("survivor log: " + last.log()).isTrue();
        deadline.sleep(200);
      }
      last.stop();

      Map<String, List<List<String>>> expected = Workers.readModels(clean);
      Map<String, List<List<String>>> actual = Workers.readModels(crashed);
      System.out.printf("must-show 1: %d SIGKILLs during a %d-event catch-up (events audited at each kill:%s);"
          + " read models equal to a clean run: %s%n", kills, EVENTS, killedAt, expected.equals(actual));
      assertThat(kills).isGreaterThanOrEqualTo(5);
      assertThat(actual).isEqualTo(expected);
      assertThat(expected.get("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM audit"))
          .containsExactly(List.of(Integer.toString(EVENTS), Integer.toString(EVENTS)));
    }
  }
}
