package io.annals.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.CatchUpResult.Outcome;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.RecordingProjection;
import io.annals.projections.support.Sql;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointAtomicityTest {

  @TempDir Path dir;

  @Test
  void catching_up_applies_every_event_once_and_checkpoints_the_feed_cursor() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 25);
    fixture.feed.append(events);
    RecordingProjection projection = new RecordingProjection();

    try (ProjectionRuntime runtime = fixture.runtime("w1", projection)) {
      CatchUpResult result = runtime.catchUp("recording");

      assertThat(result.outcome()).isEqualTo(Outcome.CAUGHT_UP);
      assertThat(result.applied()).isEqualTo(25);
      assertThat(result.batches()).isEqualTo(3);
      assertThat(fixture.seen("seen")).isEqualTo(Fixture.ids(events));
      assertThat(runtime.status("recording").live().cursor()).isEqualTo("25");
      assertThat(runtime.status("recording").lag().events()).isZero();
    }
  }

  @Test
  void a_run_after_new_events_arrived_applies_only_the_new_ones() {
    Fixture fixture = new Fixture(dir);
    fixture.feed.append(Fixture.events(0, 12));
    RecordingProjection projection = new RecordingProjection();
    try (ProjectionRuntime runtime = fixture.runtime("w1", projection)) {
      runtime.catchUp("recording");
      fixture.feed.append(Fixture.events(12, 5));

      CatchUpResult second = runtime.catchUp("recording");

      assertThat(second.applied()).isEqualTo(5);
      assertThat(fixture.seen("seen")).isEqualTo(Fixture.ids(Fixture.events(0, 17)));
    }
  }

  @Test
  void a_crash_in_the_middle_of_a_batch_commits_neither_its_rows_nor_its_checkpoint() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 30);
    fixture.feed.append(events);
    RecordingProjection projection = new RecordingProjection();
    ProjectionRuntime crashing = fixture.runtime("w1", projection);
    projection.crashAtApply(15);

    assertThatThrownBy(() -> crashing.catchUp("recording")).isInstanceOf(RecordingProjection.Crash.class);

    assertThat(fixture.seen("seen")).hasSize(10);
    assertThat(crashing.status("recording").live().cursor()).isEqualTo("10");
    try (ProjectionRuntime restarted = fixture.runtime("w1", projection)) {
      CatchUpResult result = restarted.catchUp("recording");

      assertThat(result.applied()).isEqualTo(20);
      assertThat(fixture.seen("seen")).isEqualTo(Fixture.ids(events));
    }
  }

  @Test
  void a_crash_in_every_possible_place_still_ends_with_each_event_applied_once() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 23);
    fixture.feed.append(events);
    RecordingProjection projection = new RecordingProjection();
    int crashes = 0;
    for (int at = 1; at <= 23; at += 2) {
      projection.crashAtApply(at);
      try {
        fixture.runtime("w1", projection).catchUp("recording");
      } catch (RecordingProjection.Crash expected) {
        crashes++;
      }
    }
    projection.crashAtApply(-1);

    fixture.runtime("w1", projection).catchUp("recording");

    assertThat(crashes).isPositive();
    assertThat(fixture.seen("seen")).isEqualTo(Fixture.ids(events));
    assertThat(Sql.count(fixture.database, "SELECT handled FROM projection_checkpoint WHERE slot = 'live'"))
        .isEqualTo(23);
  }
}
