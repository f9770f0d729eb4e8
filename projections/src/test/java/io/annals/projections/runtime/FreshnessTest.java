package io.annals.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.checkpoint.Checkpoint;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.RecordingProjection;
import io.annals.projections.support.Sql;
import io.annals.projections.support.TestEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freshness (the age of the newest applied event when its batch was applied) is stored with the
 * checkpoint, so that {@code status} in another process shows what the worker saw.
 */
class FreshnessTest {

  @TempDir Path dir;

  private static ReceivedEvent receivedAt(int n, String at) {
    return TestEvents.event(TestEvents.id(n), "shop", "order-placed", at, at);
  }

  @Test
  void the_checkpoint_records_the_received_at_of_the_newest_applied_event_and_when_it_was_applied() {
    Fixture fixture = new Fixture(dir);
    fixture.clock.set(Instant.parse("2026-02-01T00:00:01.250Z"));
    fixture.feed.append(List.of(receivedAt(1, "2026-02-01T00:00:00.500Z"), receivedAt(2, "2026-02-01T00:00:00.750123Z")));

    fixture.runtime("w1", new RecordingProjection()).catchUp("recording");

    // Read back by a runtime of its own, as the status command of another process does.
    Checkpoint live = fixture.runtime("status", new RecordingProjection()).status("recording").live();
    assertThat(live.newestReceivedAt()).isEqualTo(Instant.parse("2026-02-01T00:00:00.750123Z"));
    assertThat(live.newestAppliedAt()).isEqualTo(Instant.parse("2026-02-01T00:00:01.250Z"));
    assertThat(live.freshness()).hasValue(Duration.parse("PT0.499877S"));
  }

  @Test
  void a_later_batch_replaces_the_freshness_and_an_empty_catch_up_keeps_it() {
    Fixture fixture = new Fixture(dir);
    ProjectionRuntime runtime = fixture.runtime("w1", new RecordingProjection());
    fixture.clock.set(Instant.parse("2026-02-01T00:00:02Z"));
    fixture.feed.append(List.of(receivedAt(1, "2026-02-01T00:00:01Z")));
    runtime.catchUp("recording");
    fixture.clock.set(Instant.parse("2026-02-01T00:01:00.100Z"));
    fixture.feed.append(List.of(receivedAt(2, "2026-02-01T00:01:00Z")));
    runtime.catchUp("recording");

    fixture.clock.set(Instant.parse("2026-02-01T00:05:00Z"));
    runtime.catchUp("recording"); // nothing new

    assertThat(runtime.status("recording").live().freshness()).hasValue(Duration.ofMillis(100));
  }

  @Test
  void before_any_event_is_applied_there_is_no_freshness() {
    Fixture fixture = new Fixture(dir);
    ProjectionRuntime runtime = fixture.runtime("w1", new RecordingProjection());

    runtime.catchUp("recording");

    assertThat(runtime.status("recording").live()).isNotNull();
    assertThat(runtime.status("recording").live().freshness()).isEmpty();
  }

  @Test
  void a_rebuild_made_live_brings_its_own_freshness() {
    Fixture fixture = new Fixture(dir);
    fixture.clock.set(Instant.parse("2026-02-01T00:00:03Z"));
    fixture.feed.append(List.of(receivedAt(1, "2026-02-01T00:00:01Z")));
    fixture.runtime("w1", new RecordingProjection()).catchUp("recording");
    fixture.clock.set(Instant.parse("2026-02-01T00:10:00Z"));

    fixture.runtime("w1", new RecordingProjection()).rebuild("recording", true);

    Checkpoint live = fixture.runtime("w1", new RecordingProjection()).status("recording").live();
    assertThat(live.generation()).isEqualTo(2);
    assertThat(live.newestReceivedAt()).isEqualTo(Instant.parse("2026-02-01T00:00:01Z"));
    assertThat(live.newestAppliedAt()).isEqualTo(Instant.parse("2026-02-01T00:10:00Z"));
  }

  @Test
  void a_database_made_before_freshness_was_stored_gets_the_columns_and_keeps_its_checkpoint() {
    Fixture fixture = new Fixture(dir);
    fixture.feed.append(List.of(receivedAt(1, "2026-02-01T00:00:01Z")));
    fixture.runtime("w1", new RecordingProjection()).catchUp("recording");
    // projection_checkpoint as the first release made it: without the two columns.
    Sql.execute(fixture.database, "ALTER TABLE projection_checkpoint DROP COLUMN newest_received_at");
    Sql.execute(fixture.database, "ALTER TABLE projection_checkpoint DROP COLUMN newest_applied_at");

    ProjectionRuntime runtime = fixture.runtime("w1", new RecordingProjection());

    Checkpoint before = runtime.status("recording").live();
    assertThat(before.handled()).isEqualTo(1);
    assertThat(before.freshness()).isEmpty();
    fixture.clock.set(Instant.parse("2026-02-01T00:00:03Z"));
    fixture.feed.append(List.of(receivedAt(2, "2026-02-01T00:00:02Z")));
    runtime.catchUp("recording");
    assertThat(runtime.status("recording").live().freshness()).hasValue(Duration.ofSeconds(1));
    assertThat(fixture.seen("seen")).containsExactly(TestEvents.id(1), TestEvents.id(2));
  }
}
