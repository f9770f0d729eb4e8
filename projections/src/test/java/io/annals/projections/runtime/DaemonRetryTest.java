package io.annals.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.client.FeedLag;
import io.annals.hub.client.FeedPage;
import io.annals.hub.client.HubException;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.RecordingProjection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's pause after a failure: short and growing for what may pass (a hub's 429 or 503, no
 * answer), up to the interval; the whole interval at once for an answer retrying cannot change. The
 * pauses go through a recording sleeper that does not sleep, so the interval can be ten minutes.
 */
@Timeout(60)
class DaemonRetryTest {

  private static final Duration INTERVAL = Duration.ofMinutes(10);

  @TempDir Path dir;

  private final List<Duration> pauses = new CopyOnWriteArrayList<>();

  @Test
  void a_refused_long_poll_is_tried_again_within_a_second_and_the_events_are_applied() throws Exception {
    Fixture fixture = new Fixture(dir);
    FailingWaits source = new FailingWaits(fixture, 2, new HubException("hub answered 429", 429, true, null));
    fixture.feed.append(Fixture.events(0, 2));
    whileRunning(fixture, source, () -> {
      waitFor(() -> source.failed.get() == 2);
      fixture.feed.append(Fixture.events(2, 3));
      waitFor(() -> fixture.seen("seen").size() == 5);
    });

    assertThat(fixture.seen("seen")).containsExactlyElementsOf(Fixture.ids(Fixture.events(0, 5)));
    assertThat(pauses).as("one pause per refusal: 250 ms then 500 ms, each with up to half of it as jitter")
        .hasSize(2);
    assertThat(pauses.get(0)).isBetween(Duration.ofMillis(125), Duration.ofMillis(375));
    assertThat(pauses.get(1)).isBetween(Duration.ofMillis(250), Duration.ofMillis(750));
  }

  @Test
  void a_lasting_failure_is_tried_again_once_per_interval_at_most() throws Exception {
    Fixture fixture = new Fixture(dir);
    FailingWaits source = new FailingWaits(fixture, 16, new HubException("hub unreachable", 0, true, null));
    whileRunning(fixture, source, () -> waitFor(() -> pauses.size() >= 16));

    assertThat(pauses).allSatisfy(pause -> assertThat(pause).isLessThanOrEqualTo(INTERVAL));
    assertThat(pauses.subList(0, 4)).as("the first pauses are short")
        .allSatisfy(pause -> assertThat(pause).isLessThan(Duration.ofSeconds(3)));
    assertThat(pauses.subList(pauses.size() - 2, pauses.size())).as("then they reach the interval's range")
        .allSatisfy(pause -> assertThat(pause).isGreaterThanOrEqualTo(INTERVAL.dividedBy(2)));
  }

  @Test
  void an_answer_that_retrying_cannot_change_waits_the_whole_interval() throws Exception {
    Fixture fixture = new Fixture(dir);
    FailingWaits source = new FailingWaits(fixture, 1, new HubException("hub answered 403", 403, false, null));
    whileRunning(fixture, source, () -> waitFor(() -> !pauses.isEmpty()));

    assertThat(pauses.get(0)).isEqualTo(INTERVAL);
  }

  /** Runs a daemon on {@code source} (its pauses recorded, not slept) while {@code meanwhile} runs, then stops it. */
  private void whileRunning(Fixture fixture, FeedSource source, Meanwhile meanwhile) throws Exception {
    ProjectionRuntime runtime = fixture.runtime(Fixture.config("w1").withInterval(INTERVAL), source,
        new RecordingProjection());
    Daemon daemon = new Daemon(runtime, fixture.clock, pauses::add);
    daemon.start();
    try {
      meanwhile.run();
    } finally {
      daemon.stop();
    }
  }

  @FunctionalInterface
  private interface Meanwhile {
    void run() throws Exception;
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      Thread.sleep(5);
    }
  }

  /**
   * The fixture's feed, whose first {@code failures} long polls fail with {@code failure}; later
   * long polls answer at once (after a short nap when there is nothing, so the daemon does not spin).
   */
  private static final class FailingWaits implements FeedSource {
    private final Fixture fixture;
    private final int failures;
    private final HubException failure;
    final AtomicInteger failed = new AtomicInteger();

    FailingWaits(Fixture fixture, int failures, HubException failure) {
      this.fixture = fixture;
      this.failures = failures;
      this.failure = failure;
    }

    @Override
    public FeedPage read(String after, Set<String> types, int limit) {
      return fixture.feed.read(after, types, limit);
    }

    @Override
    public FeedPage read(String after, Set<String> types, int limit, Duration wait) throws InterruptedException {
      if (failed.get() < failures) {
        failed.incrementAndGet();
        throw failure;
      }
      FeedPage page = read(after, types, limit);
      if (page.events().isEmpty()) {
        Thread.sleep(5);
      }
      return page;
    }

    @Override
    public FeedLag lag(String after, Set<String> types) {
      return fixture.feed.lag(after, types);
    }
  }
}
