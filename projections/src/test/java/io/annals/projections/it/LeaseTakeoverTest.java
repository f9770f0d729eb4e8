package io.annals.projections.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.projections.sql.Database;
import io.annals.projections.support.Sql;
import io.annals.testsupport.ChildJvm;
import io.annals.testsupport.HubProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-show 2: two workers on one database never apply the same projection at once (checked by
 * the audit table: each event once, and no two transactions of different workers overlap in
 * time), and the survivor takes over from the checkpoint once the lease of the SIGKILLed holder
 * has expired.
 */
class LeaseTakeoverTest {

  private static final int EVENTS = 30_000;
  private static final String LEASE_TIMEOUT = "3s";

  @TempDir Path dir;

  @Test
  void two_workers_never_apply_at_once_and_the_survivor_takes_over_after_the_lease_timeout() throws Exception {
    try (HubProcess hub = HubEvents.startHub(dir)) {
      HubEvents.load(hub, EVENTS, 43);
      HubEvents.awaitStable(hub, EVENTS);
      Database database = Database.open("jdbc:sqlite:" + dir.resolve("shared.db"));
      ChildJvm first = Workers.start(dir, "worker-a", hub.url(), database.url(), "run",
          "--lease-timeout", LEASE_TIMEOUT, "--interval", "500ms", "--batch-size", "200");
      Deadline deadline = Deadline.in(Duration.ofMinutes(5), "the workers to apply every event");
      while (Workers.audited(database) == 0) {
        assertThat(first.alive()).as("log: " + first.log()).isTrue();
        deadline.sleep(20);
      }
      ChildJvm second = Workers.start(dir, "worker-b", hub.url(), database.url(), "run",
          "--lease-timeout", LEASE_TIMEOUT, "--interval", "500ms", "--batch-size", "200");
      while (Workers.audited(database) < EVENTS / 3) {
        assertThat(first.alive()).as("log: " + first.log()).isTrue();
        deadline.sleep(20);
      }
      first.kill();
      long killedAtMicros = System.currentTimeMillis() * 1000;
      // Dead now, the holder cannot renew: this is when its lease runs out.
      List<String> lease = Sql.rows(database, "SELECT owner, expires_at FROM projection_lease WHERE lease_key = 'audit'")
          .get(0);
      assertThat(lease.get(0)).isEqualTo("worker-a");
      long leaseExpiry = Long.parseLong(lease.get(1));
      long appliedByTheDead = Workers.audited(database);
      while (Workers.audited(database) < EVENTS) {
        assertThat(second.alive()).as("log: " + second.log()).isTrue();
        deadline.sleep(50);
      }
      second.stop();

      assertThat(Sql.rows(database, "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM audit"))
          .containsExactly(List.of(Integer.toString(EVENTS), Integer.toString(EVENTS)));
      List<List<String>> batches = Sql.rows(database, "SELECT worker, MIN(batch_started_us), MAX(applied_us) "
          + "FROM audit GROUP BY batch_id, worker ORDER BY MIN(batch_started_us)");
      for (int i = 1; i < batches.size(); i++) {
        assertThat(Long.parseLong(batches.get(i).get(1)))
            .as("batch %s starts after batch %s ended", batches.get(i), batches.get(i - 1))
            .isGreaterThan(Long.parseLong(batches.get(i - 1).get(2)));
      }
      long takeoverMicros = Sql.count(database, "SELECT MIN(batch_started_us) FROM audit WHERE worker = 'worker-b'");
      assertThat(Sql.count(database, "SELECT COUNT(*) FROM audit WHERE worker = 'worker-a'"))
          .isEqualTo(appliedByTheDead);
      assertThat(takeoverMicros).as("the survivor waits for the dead worker's lease to expire")
          .isGreaterThanOrEqualTo(leaseExpiry * 1000);
      System.out.printf("must-show 2: %d batches, none overlapping; worker-a applied %d events and was SIGKILLed; "
              + "worker-b took over %d ms after the kill, %d ms after the dead worker's lease expired (lease timeout %s), "
          + "and applied the other %d%n",
          batches.size(), appliedByTheDead, (takeoverMicros - killedAtMicros) / 1000,
          (takeoverMicros - leaseExpiry * 1000) / 1000, LEASE_TIMEOUT, EVENTS - appliedByTheDead);
    }
  }
}
