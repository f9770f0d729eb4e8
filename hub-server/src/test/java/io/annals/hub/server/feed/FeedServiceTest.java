package io.annals.hub.server.feed;

import static io.annals.hub.server.feed.FeedFixture.SETTINGS;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.StoreUnavailableException;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import io.annals.testsupport.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The feed's pages, cursors, hold-back and guard, on a real SQLite store with a hand-moved monotonic clock. */
class FeedServiceTest {

  @RegisterExtension final FeedFixture fx = FeedFixture.onRealClocks();
  final AtomicLong nanos = new AtomicLong();

  FeedService feed() {
    return fx.feed(nanos::get);
  }

  /** Five events received long ago (2026-01-01), so below any stable point of today. */
  void givenFiveEvents() {
    fx.store.append(IntStream.range(1, 6).mapToObj(n -> anEvent(n).type(n % 2 == 0 ? "even" : "odd").receivedAt(micros(n)).build()).toList());
  }

  static List<String> ids(FeedPage page) {
    return page.events().stream().map(StoredEvent::id).toList();
  }

  @Test
  void before_its_first_publication_an_instance_does_not_answer_the_feed() {
    assertThatThrownBy(() -> feed().read(Set.of(), null, 10))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("not yet published");
  }

  @Test
  void a_full_page_continues_after_its_last_event() {
    givenFiveEvents();
    fx.publisher.publishOnce();

    FeedPage page = feed().read(Set.of(), null, 2);

    assertThat(ids(page)).containsExactly(id(1), id(2));
    assertThat(page.next()).isEqualTo(new Position(micros(2), id(2)));
  }

  @Test
  void after_a_full_page_the_next_is_read_ahead_and_served_only_if_it_is_full() {
    givenFiveEvents();
    fx.publisher.publishOnce();
    FeedService feed = feed();

    FeedPage first = feed.read(Set.of(), null, 2);
    FeedPage second = feed.read(Set.of(), first.next(), 2);
    FeedPage third = feed.read(Set.of(), second.next(), 2);

    assertThat(ids(first)).containsExactly(id(1), id(2));
    assertThat(ids(second)).containsExactly(id(3), id(4));
    assertThat(ids(third)).containsExactly(id(5));
    assertThat(second.next()).isEqualTo(new Position(micros(4), id(4)));
    // The second page came from the read ahead; the third, read ahead too but not full, was read afresh.
    assertThat(feed.pagesServedAhead()).isEqualTo(1);
    assertThat(third.next()).isEqualTo(new Position(third.stableUntil(), ""));
  }

  @Test
  void a_page_that_is_not_full_continues_at_the_stable_point() {
    givenFiveEvents();
    fx.publisher.publishOnce();

    FeedPage page = feed().read(Set.of("odd"), new Position(micros(1), id(1)), 10);

    assertThat(ids(page)).containsExactly(id(3), id(5));
    assertThat(page.next()).isEqualTo(new Position(page.stableUntil(), ""));
    assertThat(page.stableUntil()).isBeforeOrEqualTo(fx.publisher.lastPublished());
  }

  @Test
  void next_never_moves_back_from_a_cursor_ahead_of_the_stable_point() {
    fx.publisher.publishOnce();
    Position ahead = new Position(Instant.now().plusSeconds(3600), id(9));

    FeedPage page = feed().read(Set.of(), ahead, 10);

    assertThat(page.events()).isEmpty();
    assertThat(page.next()).isEqualTo(ahead);
  }

  @Test
  void an_append_in_flight_holds_the_feed_below_its_stamp_until_it_ends() {
    // Given an append stamped and committed, but not yet reported finished
    InFlightWatermark.Ticket ticket = fx.watermark.begin();
    fx.store.append(List.of(anEvent(1).receivedAt(ticket.stamp()).build()));
    fx.publisher.publishOnce();

    // Then the feed does not show it, and its next cursor stays below it
    FeedPage before = feed().read(Set.of(), null, 10);
    assertThat(before.events()).isEmpty();
    assertThat(before.stableUntil()).isBeforeOrEqualTo(ticket.stamp());

    // When the append ends and the instance publishes again, the event is there
    ticket.end();
    fx.publisher.publishOnce();
    FeedPage after = feed().read(Set.of(), before.next(), 10);
    assertThat(ids(after)).containsExactly(id(1));
  }

  @Test
  void a_read_slower_than_half_the_lag_answers_an_empty_page_that_stays_at_its_cursor() {
    givenFiveEvents();
    fx.publisher.publishOnce();
    // A monotonic clock on which every reading is 3 s after the one before: longer than lag/2
    AtomicLong slow = new AtomicLong();
    FeedService feed = fx.feed(() -> slow.addAndGet(Duration.ofSeconds(3).toNanos()));
    Position after = new Position(micros(1), id(1));

    FeedPage fromCursor = feed.read(Set.of(), after, 10);
    FeedPage fromStart = feed.read(Set.of(), null, 10);

    assertThat(fromCursor.events()).isEmpty();
    assertThat(fromCursor.next()).isEqualTo(after);
    assertThat(fromStart.events()).isEmpty();
    assertThat(fromStart.next()).isNull();
  }

  @Test
  void an_instance_joining_later_never_stamps_below_a_stable_point_handed_out_before_it_was_seen() {
    // Given instance A, which last published at T0 and whose clock has since moved on 10 s
    Instant t0 = Instant.parse("2026-01-01T12:00:00Z");
    TestClock aClock = new TestClock(t0);
    try (FeedFixture a = FeedFixture.over(SqliteEventStore.builder(fx.dir.resolve("shared")).clock(aClock).open(), "hub-a");
        FeedFixture b = FeedFixture.over(SqliteEventStore.builder(fx.dir.resolve("shared"))
            .clock(java.time.Clock.fixed(t0.minusSeconds(3600), java.time.ZoneOffset.UTC)).open(), "hub-b")) {
      a.publisher.publishOnce();
      aClock.set(t0.plusSeconds(10));
      Instant handedOut = a.feed(nanos::get).read(Set.of(), null, 10).stableUntil();

      // When instance B, its clock an hour behind, joins
      b.publisher.join(Duration.ofHours(1), Duration.ZERO);

      // Then its first stamp is not below what A handed out
      InFlightWatermark.Ticket first = b.watermark.begin();
      assertThat(first.stamp()).isAfterOrEqualTo(handedOut);
      first.end();
    }
  }

  @Test
  void an_instance_silent_past_the_expiry_is_retired_by_a_reader() {
    fx.publisher.publishOnce();
    fx.store.publishWatermark(new InstanceWatermark("hub-killed", micros(1), micros(1)));
    FeedService feed = feed();
    feed.read(Set.of(), null, 10);

    nanos.addAndGet(SETTINGS.expireAfter().plusSeconds(1).toNanos());
    feed.read(Set.of(), null, 10);

    assertThat(fx.store.watermarks()).extracting(InstanceWatermark::instanceId).containsExactly("hub-a");
  }

  @Test
  void the_lag_counts_the_events_after_a_cursor_below_the_stable_point() {
    givenFiveEvents();
    fx.publisher.publishOnce();

    FeedLag all = feed().lag(Set.of(), null);
    FeedLag even = feed().lag(Set.of("even"), new Position(micros(2), id(2)));
    FeedLag none = feed().lag(Set.of("none"), null);

    assertThat(all).isEqualTo(new FeedLag(5, micros(1), all.stableUntil()));
    assertThat(even.events()).isEqualTo(1);
    assertThat(even.oldestReceivedAt()).isEqualTo(micros(4));
    assertThat(none.events()).isZero();
    assertThat(none.oldestReceivedAt()).isNull();
  }

  @Test
  void a_feed_read_sets_the_stable_lag_gauge() {
    fx.publisher.publishOnce();
    fx.metrics.feedStableLag(Duration.ofHours(1));

    feed().read(Set.of(), null, 10);

    double lag = fx.metrics.registry().get("annals.hub.feed.stable.lag").gauge().value();
    assertThat(lag).isGreaterThanOrEqualTo(0).isLessThan(3600);
  }
}
