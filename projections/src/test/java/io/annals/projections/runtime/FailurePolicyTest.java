package io.annals.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.CatchUpResult.Outcome;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.RecordingProjection;
import io.annals.projections.support.Sql;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailurePolicyTest {

  @TempDir Path dir;

  private double gauge(Fixture fixture, String name) {
    return fixture.registry.get(name).tag("projection", "recording").gauge().value();
  }

  private double failures(Fixture fixture) {
    return fixture.registry.get("annals.projection.failures").tag("projection", "recording").counter().count();
  }

  @Test
  void a_transient_handler_failure_is_retried_and_the_event_applied_once() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 10);
    fixture.feed.append(events);
    RecordingProjection projection = new RecordingProjection().failOn(events.get(4).id(), 2);

    try (ProjectionRuntime runtime = fixture.runtime("w1", projection)) {
      CatchUpResult result = runtime.catchUp("recording");

      assertThat(result.outcome()).isEqualTo(Outcome.CAUGHT_UP);
      assertThat(fixture.seen("seen")).isEqualTo(Fixture.ids(events));
      assertThat(failures(fixture)).isEqualTo(2);
    }
  }

  @Test
  void a_handler_that_keeps_failing_stops_the_projection_at_that_event_visibly() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 25);
    fixture.feed.append(events);
    String failing = events.get(13).id();
    RecordingProjection projection = new RecordingProjection().failOn(failing, Integer.MAX_VALUE);

    try (ProjectionRuntime runtime = fixture.runtime("w1", projection)) {
      CatchUpResult result = runtime.catchUp("recording");
      CatchUpResult again = runtime.catchUp("recording");
      ProjectionStatus status = runtime.status("recording");

      assertThat(result.outcome()).isEqualTo(Outcome.STOPPED);
      assertThat(result.detail()).contains(failing).contains("cannot handle event");
      assertThat(again.outcome()).isEqualTo(Outcome.STOPPED);
      assertThat(again.applied()).isZero();
      assertThat(fixture.seen("seen")).as("the batch before the failing one stays, nothing after")
          .isEqualTo(Fixture.ids(events.subList(0, 10)));
      assertThat(status.state()).isEqualTo("stopped");
      assertThat(status.live().stoppedEventId()).isEqualTo(failing);
      assertThat(status.live().stoppedError()).contains("IllegalStateException: cannot handle event " + failing);
      assertThat(gauge(fixture, "annals.projection.stopped")).isEqualTo(1.0);
      assertThat(failures(fixture)).isEqualTo(1 + 3);
    }
  }

  @Test
  void a_stopped_projection_goes_on_from_the_failing_event_once_resumed() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 25);
    fixture.feed.append(events);
    RecordingProjection projection = new RecordingProjection().failOn(events.get(13).id(), Integer.MAX_VALUE);
    try (ProjectionRuntime runtime = fixture.runtime("w1", projection)) {
      runtime.catchUp("recording");
      projection.heal();

      boolean resumed = runtime.resume("recording");
      CatchUpResult result = runtime.catchUp("recording");

      assertThat(resumed).isTrue();
      assertThat(result.outcome()).isEqualTo(Outcome.CAUGHT_UP);
      assertThat(fixture.seen("seen")).isEqualTo(Fixture.ids(events));
      assertThat(runtime.status("recording").state()).isEqualTo("running");
      assertThat(gauge(fixture, "annals.projection.stopped")).isZero();
    }
  }

  @Test
  void with_the_park_policy_the_failing_event_is_parked_and_the_others_are_applied() {
    Fixture fixture = new Fixture(dir);
    List<ReceivedEvent> events = Fixture.events(0, 25);
    fixture.feed.append(events);
    String failing = events.get(13).id();
    RecordingProjection projection = new RecordingProjection().failOn(failing, Integer.MAX_VALUE);
    RuntimeConfig config = Fixture.config("w1").withFailurePolicy("recording", FailurePolicy.PARK);

    try (ProjectionRuntime runtime = fixture.runtime(config, fixture.feed, projection)) {
      CatchUpResult result = runtime.catchUp("recording");
      ProjectionStatus status = runtime.status("recording");

      assertThat(result.outcome()).isEqualTo(Outcome.CAUGHT_UP);
      assertThat(result.applied()).isEqualTo(24);
      assertThat(result.parked()).isEqualTo(1);
      assertThat(fixture.seen("seen")).hasSize(24).doesNotContain(failing);
      assertThat(status.parked()).isEqualTo(1);
      assertThat(status.recentlyParked().get(0).eventId()).isEqualTo(failing);
      assertThat(status.recentlyParked().get(0).error()).contains("cannot handle event");
      assertThat(Sql.rows(fixture.database, "SELECT event_json FROM projection_parked").get(0).get(0))
          .contains("\"id\":\"" + failing + "\"").contains("\"type\":\"order-placed\"");
      assertThat(gauge(fixture, "annals.projection.parked.events")).isEqualTo(1.0);
      assertThat(gauge(fixture, "annals.projection.stopped")).isZero();
    }
  }
}
