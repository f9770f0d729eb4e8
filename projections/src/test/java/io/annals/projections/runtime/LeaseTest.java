package io.annals.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.client.FeedLag;
import io.annals.hub.client.FeedPage;
import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.CatchUpResult.Outcome;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.RecordingProjection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseTest {

  @TempDir Path dir;

  @Test
  void a_second_worker_does_not_run_a_projection_whose_lease_is_held() {
    Fixture fixture = new Fixture(dir);
    fixture.feed.append(Fixture.events(0, 5));
    ProjectionRuntime first = fixture.runtime("w1", new RecordingProjection());
    ProjectionRuntime second = fixture.runtime("w2", new RecordingProjection());
    first.catchUp("recording");
    fixture.feed.append(Fixture.events(5, 5));

    CatchUpResult result = second.catchUp("recording");

    assertThat(result.outcome()).isEqualTo(Outcome.LEASE_HELD);
    assertThat(result.detail()).contains("w1");
    assertThat(result.leaseExpiresAt()).isEqualTo(fixture.clock.instant().plusSeconds(30));
    assertThat(fixture.seen("seen")).hasSize(5);
  }

  @Test
  void when_the_holder_dies_its_lease_expires_and_another_worker_continues_from_the_checkpoint() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 20);
    fixture.feed.append(events.subList(0, 10));
    fixture.runtime("w1", new RecordingProjection()).catchUp("recording");
    fixture.feed.append(events.subList(10, 20));
    ProjectionRuntime survivor = fixture.runtime("w2", new RecordingProjection());

    fixture.clock.advance(Duration.ofSeconds(29));
    CatchUpResult tooEarly = survivor.catchUp("recording");
    fixture.clock.advance(Duration.ofSeconds(1));
    CatchUpResult takeover = survivor.catchUp("recording");

    assertThat(tooEarly.outcome()).isEqualTo(Outcome.LEASE_HELD);
    assertThat(takeover.outcome()).isEqualTo(Outcome.CAUGHT_UP);
    assertThat(takeover.applied()).isEqualTo(10);
    assertThat(fixture.seen("seen")).isEqualTo(Fixture.ids(events));
  }

  @Test
  void a_worker_released_lease_is_taken_over_at_once() {
    Fixture fixture = new Fixture(dir);
    fixture.feed.append(Fixture.events(0, 5));
    try (ProjectionRuntime first = fixture.runtime("w1", new RecordingProjection())) {
      first.catchUp("recording");
    }

    CatchUpResult result = fixture.runtime("w2", new RecordingProjection()).catchUp("recording");

    assertThat(result.outcome()).isEqualTo(Outcome.CAUGHT_UP);
  }

  @Test
  void a_worker_that_lost_its_lease_in_the_middle_of_a_catch_up_cannot_commit_its_next_batch() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 40);
    fixture.feed.append(events);
    ProjectionRuntime intruder = fixture.runtime("w2", new RecordingProjection());
    AtomicInteger reads = new AtomicInteger();
    FeedSource stallingFeed = new FeedSource() {
      @Override
      public FeedPage read(String after, Set<String> types, int limit) {
        FeedPage page = fixture.feed.read(after, types, limit);
        if (reads.incrementAndGet() == 2) {
          // w1 stalls longer than its lease (a GC pause, a network partition); w2 takes over.
          fixture.clock.advance(Duration.ofSeconds(31));
          assertThat(intruder.catchUp("recording").outcome()).isEqualTo(Outcome.CAUGHT_UP);
        }
        return page;
      }

      @Override
      public FeedLag lag(String after, Set<String> types) {
        return fixture.feed.lag(after, types);
      }
    };
    ProjectionRuntime stale = fixture.runtime(Fixture.config("w1"), stallingFeed, new RecordingProjection());

    CatchUpResult result = stale.catchUp("recording");

    assertThat(result.outcome()).isEqualTo(Outcome.LEASE_LOST);
    assertThat(result.applied()).isEqualTo(10);
    assertThat(fixture.seen("seen")).as("each event exactly once").isEqualTo(Fixture.ids(events));
  }
}
