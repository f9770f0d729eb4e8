package io.annals.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.client.FeedLag;
import io.annals.hub.client.FeedPage;
import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.CatchUpResult.Outcome;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.RecordingProjection;
import io.annals.projections.support.Sql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebuildTest {

  @TempDir Path dir;

  /** A feed that lets the test look at the served read model before each page a rebuild reads. */
  private static FeedSource watching(Fixture fixture, Runnable beforeEachRead) {
    return new FeedSource() {
      @Override
      public FeedPage read(String after, Set<String> types, int limit) {
        beforeEachRead.run();
        return fixture.feed.read(after, types, limit);
      }

      @Override
      public FeedLag lag(String after, Set<String> types) {
        return fixture.feed.lag(after, types);
      }
    };
  }

  private static List<String> tables(Fixture fixture) {
    return Sql.rows(fixture.database, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'seen%' "
        + "ORDER BY name").stream().map(row -> row.get(0)).toList();
  }

  @Test
  void readers_see_the_old_complete_report_during_a_rebuild_and_the_new_one_after_the_swap() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 35);
    fixture.feed.append(events);
    fixture.runtime("w1", new RecordingProjection()).catchUp("recording");
    List<Long> servedDuringRebuild = new ArrayList<>();
    FeedSource feed = watching(fixture,
        () -> servedDuringRebuild.add(Sql.count(fixture.database, "SELECT COUNT(*) FROM seen")));

    CatchUpResult result = fixture.runtime(Fixture.config("w1"), feed, new RecordingProjection())
        .rebuild("recording", true);

    assertThat(result.outcome()).isEqualTo(Outcome.CAUGHT_UP);
    assertThat(result.applied()).isEqualTo(35);
    assertThat(servedDuringRebuild).hasSize(4).containsOnly(35L);
    assertThat(Sql.count(fixture.database, "SELECT COUNT(*) FROM seen")).isEqualTo(35);
    assertThat(tables(fixture)).containsExactly("seen_g2");
    assertThat(Sql.rows(fixture.database,
        "SELECT generation, feed_cursor, handled FROM projection_checkpoint WHERE projection = 'recording'"))
        .containsExactly(List.of("2", "35", "35"));
  }

  @Test
  void the_live_projection_goes_on_while_a_rebuild_runs_and_continues_from_the_rebuilt_checkpoint() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 40);
    fixture.feed.append(events.subList(0, 20));
    ProjectionRuntime daemon = fixture.runtime("daemon", new RecordingProjection());
    daemon.catchUp("recording");
    int[] reads = {0};
    FeedSource feed = watching(fixture, () -> {
      if (++reads[0] == 2) {
        fixture.feed.append(events.subList(20, 30));
        assertThat(daemon.catchUp("recording").applied()).isEqualTo(10);
      }
    });

    fixture.runtime(Fixture.config("rebuilder"), feed, new RecordingProjection()).rebuild("recording", true);
    fixture.feed.append(events.subList(30, 40));
    CatchUpResult afterSwap = daemon.catchUp("recording");

    assertThat(afterSwap.outcome()).isEqualTo(Outcome.CAUGHT_UP);
    assertThat(afterSwap.applied()).isEqualTo(10);
    assertThat(fixture.seen("seen")).isEqualTo(Fixture.ids(events));
  }

  @Test
  void raising_the_schema_version_builds_a_new_generation_before_serving_it() {
    Fixture fixture = new Fixture(dir);
    fixture.feed.append(Fixture.events(0, 15));
    fixture.runtime("w1", new RecordingProjection("recording", 1)).catchUp("recording");

    CatchUpResult result = fixture.runtime("w1", new RecordingProjection("recording", 2)).catchUp("recording");

    assertThat(result.outcome()).isEqualTo(Outcome.CAUGHT_UP);
    assertThat(result.detail()).contains("generation 2 is live");
    assertThat(Sql.rows(fixture.database, "SELECT DISTINCT schema_version FROM seen")).containsExactly(List.of("2"));
    assertThat(Sql.count(fixture.database, "SELECT COUNT(*) FROM seen")).isEqualTo(15);
  }

  @Test
  void an_older_worker_leaves_a_projection_of_a_newer_schema_version_alone() {
    Fixture fixture = new Fixture(dir);
    fixture.feed.append(Fixture.events(0, 5));
    fixture.runtime("w1", new RecordingProjection("recording", 2)).catchUp("recording");

    CatchUpResult result = fixture.runtime("w1", new RecordingProjection("recording", 1)).catchUp("recording");

    assertThat(result.outcome()).isEqualTo(Outcome.WORKER_OUTDATED);
    assertThat(tables(fixture)).containsExactly("seen_g1");
  }

  @Test
  void an_interrupted_rebuild_continues_where_it_stopped() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 30);
    fixture.feed.append(events);
    RecordingProjection projection = new RecordingProjection();
    fixture.runtime("w1", projection).catchUp("recording");
    projection.crashAtApply(15);
    try {
      fixture.runtime("w1", projection).rebuild("recording", true);
    } catch (RecordingProjection.Crash expected) {
      // the rebuilding worker died after one batch
    }

    CatchUpResult resumed = fixture.runtime("w1", projection).rebuild("recording", false);

    assertThat(resumed.applied()).isEqualTo(20);
    assertThat(fixture.seen("seen")).isEqualTo(Fixture.ids(events));
    assertThat(tables(fixture)).containsExactly("seen_g2");
  }
}
