package io.annals.hub.server.feed;

import static io.annals.hub.server.feed.FeedFixture.SETTINGS;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.Position;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The feed service's edges that its own suite left open (surviving mutants, docs/mutation.md): the
 * smallest page, a read exactly as slow as the guard, what {@code newSince} calls complete, and
 * which pages read ahead are served. On a real SQLite store; the monotonic clock is the test's.
 */
class FeedServiceEdgesTest {

  static final long ORIGIN = 7_000_000_000_000L;

  @RegisterExtension final FeedFixture fx = FeedFixture.onRealClocks();

  /** {@code count} events received on 2026-01-01, long below any stable point of today. */
  void given(int count) {
    fx.store.append(IntStream.rangeClosed(1, count).mapToObj(n -> anEvent(n).receivedAt(micros(n)).build()).toList());
    fx.publisher.publishOnce();
  }

  static List<String> ids(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::id).toList();
  }

  /** A monotonic clock that moves {@code step} at every reading, from far above zero. */
  static LongSupplier stepping(long step) {
    AtomicLong now = new AtomicLong(ORIGIN);
    return () -> now.addAndGet(step);
  }

  @Test
  void a_page_of_one_is_served_and_a_page_of_none_is_refused() {
    given(2);
    FeedService feed = fx.feed(() -> ORIGIN);

    assertThat(ids(feed.read(Set.of(), null, 1).events())).containsExactly(id(1));
    assertThatThrownBy(() -> feed.read(Set.of(), null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("limit must be >= 1, was 0");
  }

  @Test
  void a_read_that_takes_exactly_the_guard_is_answered_and_one_nanosecond_longer_is_not() {
    given(3);
    long guard = SETTINGS.guard().toNanos();
    // A read takes three readings of the monotonic clock: its start, the stable point's, its end.
    FeedService onTime = fx.feed(stepping(guard / 2));
    FeedService late = fx.feed(stepping(guard / 2 + 1));

    assertThat(ids(onTime.read(Set.of(), null, 10).events())).containsExactly(id(1), id(2), id(3));
    assertThat(onTime.newSince(null, 10)).isNotNull();
    assertThat(late.read(Set.of(), null, 10).events()).isEmpty();
    assertThat(late.newSince(null, 10)).isNull();
  }

  @Test
  void new_since_is_complete_only_when_it_found_fewer_than_it_may_return() {
    given(3);
    FeedService feed = fx.feed(() -> ORIGIN);

    FeedService.Newly exactly = feed.newSince(null, 3);
    FeedService.Newly fewer = feed.newSince(new Position(micros(1), id(1)), 3);

    assertThat(ids(exactly.events())).containsExactly(id(1), id(2), id(3));
    assertThat(exactly.complete()).isFalse();
    assertThat(ids(fewer.events())).containsExactly(id(2), id(3));
    assertThat(fewer.complete()).isTrue();
    assertThat(fewer.stable()).isEqualTo(exactly.stable());
  }

  @Test
  void new_since_a_cursor_at_or_beyond_the_stable_point_finds_nothing() {
    given(3);
    FeedService feed = fx.feed(() -> ORIGIN);
    Instant stable = feed.stablePoint();
    fx.store.append(List.of(anEvent(9).receivedAt(stable.plusSeconds(3600)).build()));

    FeedService.Newly beyond = feed.newSince(new Position(stable.plusSeconds(1), ""), 10);

    assertThat(beyond.events()).isEmpty();
    assertThat(beyond.complete()).isTrue();
  }

  @Test
  void a_position_lies_before_the_stable_point_when_it_is_the_start_or_sorts_below_the_stable_point_with_no_id() {
    Instant stable = micros(100);

    assertThat(FeedService.before(null, stable)).isTrue();
    assertThat(FeedService.before(new Position(micros(99), "ffff"), stable)).isTrue();
    assertThat(FeedService.before(new Position(stable, ""), stable)).isFalse();
    assertThat(FeedService.before(new Position(stable, id(1)), stable)).isFalse();
  }

  @Test
  void a_full_page_read_ahead_is_served_as_it_was_read_and_one_that_was_not_full_is_read_again() {
    given(4);
    AtomicLong readings = new AtomicLong();
    FeedService feed = fx.feed(() -> ORIGIN + readings.incrementAndGet());

    FeedPage first = feed.read(Set.of(), null, 2);
    // A read takes three readings of the clock: once the one ahead has read the stable point, publish again
    awaitReadings(readings, 5);
    fx.publisher.publishOnce();
    FeedPage second = feed.read(Set.of(), first.next(), 2);
    awaitReadings(readings, 8);
    fx.publisher.publishOnce();
    FeedPage third = feed.read(Set.of(), second.next(), 2);

    assertThat(ids(second.events())).containsExactly(id(3), id(4));
    assertThat(second.stableUntil()).as("served as read ahead, under the first page's stable point")
        .isEqualTo(first.stableUntil());
    assertThat(third.events()).isEmpty();
    assertThat(third.stableUntil()).as("read again, under the latest publication").isEqualTo(fx.publisher.lastPublished())
        .isAfter(second.stableUntil());
    assertThat(feed.pagesServedAhead()).isEqualTo(1);
  }

  @Test
  void eight_pages_read_ahead_are_kept_one_for_each_consumer_followed() {
    given(16);
    FeedService feed = fx.feed(() -> ORIGIN);
    // Eight consumers, told apart by their page sizes 1 to 8, each read a full first page
    List<FeedPage> firsts = IntStream.rangeClosed(1, 8).mapToObj(limit -> feed.read(Set.of(), null, limit)).toList();

    for (int limit = 1; limit <= 8; limit++) {
      FeedPage next = feed.read(Set.of(), firsts.get(limit - 1).next(), limit);
      assertThat(next.events()).hasSize(limit);
    }

    assertThat(feed.pagesServedAhead()).isEqualTo(8);
  }

  static void awaitReadings(AtomicLong readings, long atLeast) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (readings.get() < atLeast) {
      assertThat(System.nanoTime() - deadline).as("the read ahead within 20 s").isNegative();
      Thread.onSpinWait();
    }
  }
}
