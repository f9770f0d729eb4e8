package io.annals.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.projections.support.Fixture;
import io.annals.projections.support.RecordingProjection;
import io.annals.projections.support.TestEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's tail: the long poll asks for the page a catch-up applies (same cursor, types and
 * size), and the catch-up right after it applies that page without asking the feed again.
 */
class AwaitEventsTest {

  @TempDir Path dir;
  Fixture fixture;
  ProjectionRuntime runtime;

  @BeforeEach
  void open() {
    fixture = new Fixture(dir);
    runtime = fixture.runtime("w1", new RecordingProjection());
  }

  /** The first {@code count} events of the feed, applied. */
  void caughtUpWith(int count) throws Exception {
    fixture.feed.append(Fixture.events(0, count));
    runtime.catchUp("recording");
  }

  @Test
  void the_page_a_long_poll_answered_is_applied_by_the_next_catch_up_without_reading_it_again() throws Exception {
    caughtUpWith(2);
    fixture.feed.append(Fixture.events(2, 3));
    int reads = fixture.feed.reads();

    boolean found = runtime.awaitEvents("recording", runtime.cursor("recording"), Duration.ofMillis(1));
    CatchUpResult result = runtime.catchUp("recording");

    assertThat(found).isTrue();
    assertThat(result.applied()).isEqualTo(3);
    assertThat(fixture.feed.reads()).as("one read: the long poll's").isEqualTo(reads + 1);
    assertThat(fixture.seen("seen")).containsExactlyElementsOf(Fixture.ids(Fixture.events(0, 5)));
  }

  @Test
  void a_long_poll_that_ends_empty_leaves_the_catch_up_to_read_the_feed_itself() throws Exception {
    caughtUpWith(2);

    boolean found = runtime.awaitEvents("recording", runtime.cursor("recording"), Duration.ofMillis(1));
    fixture.feed.append(Fixture.events(2, 1)); // arrives after the long poll ended
    CatchUpResult result = runtime.catchUp("recording");

    assertThat(found).isFalse();
    assertThat(result.applied()).isEqualTo(1);
    assertThat(fixture.seen("seen")).contains(TestEvents.id(2));
  }

  @Test
  void a_page_answered_for_another_cursor_is_not_applied() throws Exception {
    // Waited from the start of the feed while the checkpoint stands elsewhere (another worker moved it).
    caughtUpWith(3);
    boolean found = runtime.awaitEvents("recording", null, Duration.ofMillis(1));
    fixture.feed.append(Fixture.events(3, 1));
    CatchUpResult result = runtime.catchUp("recording");

    assertThat(found).isTrue();
    assertThat(result.applied()).as("only the new event, from the checkpoint's cursor").isEqualTo(1);
    assertThat(fixture.seen("seen")).containsExactlyElementsOf(Fixture.ids(Fixture.events(0, 4)));
    assertThat(List.of(result.outcome())).containsExactly(CatchUpResult.Outcome.CAUGHT_UP);
  }
}
