package io.annals.hub.server.store;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@link FeedSource} contract: the feed below a stable point, by type, in keyset pages, and its
 * count; on every adapter. Events are put there through the {@link EventLog}.
 */
class FeedSourceContractTest extends StoreContract {

  private FeedSource source() {
    return store.feed();
  }

  @Nested
  class Feed {

    @BeforeEach
    void given_events_of_three_types() {
      store.log().append(List.of(
          anEvent(1).type("a").receivedAt(micros(1)).build(),
          anEvent(2).type("b").receivedAt(micros(2)).build(),
          anEvent(3).type("c").receivedAt(micros(3)).build(),
          anEvent(4).type("a").receivedAt(micros(4)).build(),
          anEvent(5).type("b").receivedAt(micros(4)).build(),
          anEvent(6).type("c").receivedAt(micros(5)).build(),
          anEvent(7).type("a").receivedAt(micros(6)).build()));
    }

    @Test
    void the_feed_holds_only_events_received_strictly_before_the_stable_point() {
      assertThat(ids(source().feed(Set.of(), null, micros(4), 100))).containsExactly(id(1), id(2), id(3));
      assertThat(ids(source().feed(Set.of(), null, micros(5), 100))).containsExactly(id(1), id(2), id(3), id(4), id(5));
    }

    @Test
    void the_feed_keeps_only_the_named_types_in_received_at_order() {
      assertThat(ids(source().feed(Set.of("a"), null, micros(100), 100))).containsExactly(id(1), id(4), id(7));
      assertThat(ids(source().feed(Set.of("a", "b"), null, micros(100), 100))).containsExactly(id(1), id(2), id(4), id(5), id(7));
      assertThat(ids(source().feed(Set.of("a", "b", "c", "none"), null, micros(100), 100)))
          .containsExactly(id(1), id(2), id(3), id(4), id(5), id(6), id(7));
      assertThat(source().feed(Set.of("none"), null, micros(100), 100)).isEmpty();
    }

    @Test
    void the_feed_continues_strictly_after_the_position_up_to_the_limit() {
      assertThat(ids(source().feed(Set.of("a", "b"), new Position(micros(2), id(2)), micros(100), 2))).containsExactly(id(4), id(5));
      assertThat(ids(source().feed(Set.of("a", "b"), new Position(micros(4), id(4)), micros(100), 2))).containsExactly(id(5), id(7));
      assertThat(ids(source().feed(Set.of(), new Position(micros(4), ""), micros(5), 10))).containsExactly(id(4), id(5));
    }

    @Test
    void the_feed_count_is_the_number_of_events_the_feed_would_return_without_a_limit() {
      assertThat(source().countFeed(Set.of(), null, micros(100))).isEqualTo(7);
      assertThat(source().countFeed(Set.of(), null, micros(4))).isEqualTo(3);
      assertThat(source().countFeed(Set.of("a"), null, micros(100))).isEqualTo(3);
      assertThat(source().countFeed(Set.of("a", "b"), new Position(micros(4), id(4)), micros(100))).isEqualTo(2);
      assertThat(source().countFeed(Set.of("a", "b", "c"), new Position(micros(4), ""), micros(6))).isEqualTo(3);
      assertThat(source().countFeed(Set.of("none"), null, micros(100))).isZero();
      assertThat(source().countFeed(Set.of(), new Position(micros(6), id(7)), micros(100))).isZero();
    }

    @Test
    void pages_over_several_types_merge_in_received_at_order() {
      List<String> paged = allPages(after -> source().feed(Set.of("c", "a"), after, micros(100), 1), 1);

      assertThat(paged).containsExactly(id(1), id(3), id(4), id(6), id(7));
    }
  }

  @Nested
  class KeysetPaging {

    @Test
    void pages_visit_every_event_once_when_many_share_a_received_at() {
      // Given 25 events, in groups of 5 sharing one received_at, appended out of id order
      store.log().append(IntStream.range(0, 25)
          .map(i -> 24 - i)
          .mapToObj(n -> anEvent(n).type(n % 2 == 0 ? "even" : "odd").receivedAt(micros(n / 5)).build())
          .toList());

      // When a reader follows feed pages of 4
      List<String> all = allPages(after -> source().feed(Set.of(), after, micros(1000), 4), 4);
      List<String> even = allPages(after -> source().feed(Set.of("even"), after, micros(1000), 2), 2);

      // Then it sees every event once, in (received_at, id) order
      assertThat(all).containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(TestEvents::id).toList());
      assertThat(even).containsExactlyElementsOf(IntStream.range(0, 25).filter(n -> n % 2 == 0).mapToObj(TestEvents::id).toList());
    }
  }
}
