package io.annals.hub.server.store;

import static io.annals.hub.server.store.TestEvents.T0;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.event.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@link EventLog} contract: append with its outcomes, find, query, aggregate history; on every adapter. */
class EventLogContractTest extends StoreContract {

  private EventLog log() {
    return store.log();
  }

  private AppendResult appendOne(StoredEvent event) {
    List<AppendResult> results = log().append(List.of(event));
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  @Nested
  class Append {

    @Test
    void a_new_event_is_created_and_can_be_found() {
      StoredEvent event = anEvent(1).correlationId("container/subscription/42").build();

      AppendResult result = appendOne(event);

      assertThat(result).isEqualTo(new AppendResult(Outcome.CREATED, event));
      assertThat(log().find(event.id())).contains(event);
    }

    @Test
    void the_same_event_again_is_a_duplicate_answered_with_the_stored_event() {
      // Given an event stored at one received_at
      StoredEvent first = anEvent(1).receivedAt(micros(10)).build();
      appendOne(first);

      // When a client retries it, stamped later
      AppendResult retry = appendOne(anEvent(1).receivedAt(micros(20)).build());

      // Then it is a duplicate and the answer holds the original received_at
      assertThat(retry.outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(retry.stored()).isEqualTo(first);
    }

    @Test
    void the_same_id_with_another_payload_is_a_conflict_answered_with_the_stored_event() {
      StoredEvent first = anEvent(1).payload("{\"amount\":\"3.0000/EUR\"}").build();
      appendOne(first);

      AppendResult other = appendOne(anEvent(1).payload("{\"amount\":\"4.0000/EUR\"}").build());

      assertThat(other.outcome()).isEqualTo(Outcome.CONFLICT);
      assertThat(other.stored()).isEqualTo(first);
    }

    @Test
    void the_same_id_with_any_other_meta_field_is_a_conflict() {
      appendOne(anEvent(1).correlationId("c/1").build());
      List<StoredEvent> variants = List.of(
          anEvent(1).correlationId("c/1").service("shipping").build(),
          anEvent(1).correlationId("c/1").type("payment-failed").build(),
          anEvent(1).correlationId("c/1").createdAt(T0.plusNanos(1000)).build(),
          anEvent(1).correlationId("c/1").aggregateId("payment/99").build(),
          anEvent(1).correlationId("c/2").build(),
          anEvent(1).correlationId(null).build());

      for (StoredEvent variant : variants) {
        assertThat(appendOne(variant).outcome()).as("outcome of %s", variant).isEqualTo(Outcome.CONFLICT);
      }
    }

    @Test
    void extensions_are_given_back_and_decide_duplicate_versus_conflict() {
      Map<String, String> ext = Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "ce_id", "A-1");
      StoredEvent first = anEvent(1).extensions(ext).build();

      assertThat(appendOne(first).outcome()).isEqualTo(Outcome.CREATED);

      assertThat(log().find(first.id())).contains(first);
      assertThat(appendOne(anEvent(1).extensions(ext).receivedAt(micros(99)).build()).outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(appendOne(anEvent(1).extensions(Map.of("ce_id", "A-1")).build()).outcome()).isEqualTo(Outcome.CONFLICT);
      assertThat(appendOne(anEvent(1).build()).outcome()).isEqualTo(Outcome.CONFLICT);
      assertThat(appendOne(anEvent(1).extensions(Map.of("traceparent", "x", "ce_id", "A-1")).build()).outcome())
          .isEqualTo(Outcome.CONFLICT);
    }

    @Test
    void a_cloudevent_without_time_sent_again_later_is_a_duplicate_though_its_receive_time_differs() {
      Map<String, String> ext = Map.of("ce_absent", "time subject");
      appendOne(anEvent(1).extensions(ext).createdAt(T0).build());

      AppendResult retry = appendOne(anEvent(1).extensions(ext).createdAt(T0.plusSeconds(5)).build());
      AppendResult timed = appendOne(anEvent(1).createdAt(T0.plusSeconds(5)).build());

      assertThat(retry.outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(retry.stored().event().createdAt()).isEqualTo(T0);
      assertThat(timed.outcome()).isEqualTo(Outcome.CONFLICT);
    }

    @Test
    void a_payload_with_the_same_keys_in_another_order_is_a_duplicate() {
      appendOne(anEvent(1).payload("{\"a\":1,\"b\":{\"x\":[1,2],\"y\":\"z\"}}").build());

      AppendResult reordered = appendOne(anEvent(1).payload("{\"b\":{\"y\":\"z\",\"x\":[1,2]},\"a\":1}").build());

      assertThat(reordered.outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(reordered.stored().event().payloadJson()).isEqualTo("{\"a\":1,\"b\":{\"x\":[1,2],\"y\":\"z\"}}");
    }

    @Test
    void a_decimal_written_with_other_digits_is_a_conflict() {
      appendOne(anEvent(1).payload("{\"amount\":1.0}").build());

      assertThat(appendOne(anEvent(1).payload("{\"amount\":1.00}").build()).outcome()).isEqualTo(Outcome.CONFLICT);
      assertThat(appendOne(anEvent(1).payload("{\"amount\":1}").build()).outcome()).isEqualTo(Outcome.CONFLICT);
      assertThat(appendOne(anEvent(1).payload("{\"amount\":1.0}").build()).outcome()).isEqualTo(Outcome.DUPLICATE);
    }

    @Test
    void a_conflict_leaves_the_stored_event_unchanged() {
      StoredEvent first = anEvent(1).receivedAt(micros(10)).build();
      appendOne(first);

      appendOne(anEvent(1).type("something-else").payload("{}").receivedAt(micros(20)).build());

      assertThat(log().find(id(1))).contains(first);
      assertThat(log().query(EventFilter.none(), null, 10)).containsExactly(first);
    }

    @Test
    void an_id_repeated_within_one_append_is_compared_with_its_first_occurrence() {
      StoredEvent first = anEvent(1).receivedAt(micros(1)).build();
      StoredEvent same = anEvent(1).receivedAt(micros(2)).build();
      StoredEvent different = anEvent(1).payload("{}").receivedAt(micros(3)).build();

      List<AppendResult> results = log().append(List.of(first, same, different));

      assertThat(results).containsExactly(
          new AppendResult(Outcome.CREATED, first),
          new AppendResult(Outcome.DUPLICATE, first),
          new AppendResult(Outcome.CONFLICT, first));
      assertThat(log().find(id(1))).contains(first);
    }

    @Test
    void a_batch_answers_one_result_per_event_in_request_order() {
      StoredEvent stored = anEvent(2).build();
      appendOne(stored);
      List<StoredEvent> batch = List.of(
          anEvent(3).build(), anEvent(2).build(), anEvent(1).build(), anEvent(2).payload("{}").build());

      List<AppendResult> results = log().append(batch);

      assertThat(results).extracting(AppendResult::outcome)
          .containsExactly(Outcome.CREATED, Outcome.DUPLICATE, Outcome.CREATED, Outcome.CONFLICT);
      assertThat(results).extracting(r -> r.stored().id()).containsExactly(id(3), id(2), id(1), id(2));
      assertThat(ids(log().query(EventFilter.none(), null, 10))).containsExactlyInAnyOrder(id(1), id(2), id(3));
    }

    @Test
    void concurrent_appends_of_the_same_ids_create_each_id_exactly_once() throws Exception {
      // Given 4 writers that each append the same 40 events, in batches of 10, in their own order
      int writers = 4;
      List<Callable<List<AppendResult>>> work = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int shift = w * 10;
        work.add(() -> {
          List<AppendResult> results = new ArrayList<>();
          for (int batch = 0; batch < 4; batch++) {
            int first = (shift + batch * 10) % 40;
            results.addAll(log().append(IntStream.range(first, first + 10).mapToObj(n -> anEvent(n).build()).toList()));
          }
          return results;
        });
      }

      // When they run at once
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<AppendResult> all = new ArrayList<>();
      try {
        for (Future<List<AppendResult>> future : pool.invokeAll(work)) {
          all.addAll(future.get());
        }
      } finally {
        pool.shutdownNow();
      }

      // Then each id was created once and was a duplicate for every other writer
      Map<String, List<Outcome>> outcomes = all.stream().collect(Collectors.groupingBy(
          r -> r.stored().id(), Collectors.mapping(AppendResult::outcome, Collectors.toList())));
      assertThat(outcomes).hasSize(40);
      outcomes.forEach((id, seen) -> assertThat(seen).as("outcomes of %s", id)
          .containsExactlyInAnyOrder(Outcome.CREATED, Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.DUPLICATE));
      assertThat(log().query(EventFilter.none(), null, 100)).hasSize(40);
    }

    @Test
    void an_empty_append_stores_nothing_and_answers_nothing() {
      assertThat(log().append(List.of())).isEmpty();
      assertThat(log().query(EventFilter.none(), null, 10)).isEmpty();
    }

    @Test
    void payload_text_unicode_and_microseconds_are_given_back_exactly() {
      // Given decimals that a double would change, non-ASCII text, and times far apart at µs precision
      String payload = "{\"amount\":3.0000,\"big\":12345678901234567890.10,\"name\":\"Zoë ✓ 日本 🎉\",\"nested\":{}}";
      StoredEvent event = anEvent(1)
          .service("facturación")
          .aggregateId("paiement/é/23")
          .correlationId("корреляция/1")
          .createdAt(Instant.parse("1969-07-20T20:17:40.123456Z"))
          .receivedAt(Instant.parse("2026-01-01T12:00:00.000001Z"))
          .payload(payload)
          .build();

      appendOne(event);

      assertThat(log().find(id(1))).contains(event);
    }

    @Test
    void a_large_payload_is_given_back_exactly() {
      String big = "{\"blob\":\"" + "x€".repeat(600_000) + "\",\"n\":1.50}";
      StoredEvent event = anEvent(1).payload(big).build();

      appendOne(event);

      assertThat(log().find(id(1)).orElseThrow().event().payloadJson()).isEqualTo(big);
      assertThat(appendOne(anEvent(1).payload(big).build()).outcome()).isEqualTo(Outcome.DUPLICATE);
    }
  }

  @Nested
  class Find {

    @Test
    void an_unknown_id_is_not_found() {
      appendOne(anEvent(1).build());

      assertThat(log().find(id(2))).isEmpty();
    }
  }

  @Nested
  class Query {

    @BeforeEach
    void given_events_of_two_services_and_types() {
      log().append(List.of(
          anEvent(1).service("billing").type("paid").aggregateId("a/1").correlationId("c/1").receivedAt(micros(1)).build(),
          anEvent(2).service("billing").type("refunded").aggregateId("a/2").correlationId("c/1").receivedAt(micros(2)).build(),
          anEvent(3).service("shipping").type("paid").aggregateId("a/1").receivedAt(micros(3)).build(),
          anEvent(4).service("shipping").type("shipped").aggregateId("a/2").correlationId("c/2").receivedAt(micros(4)).build(),
          anEvent(5).service("billing").type("paid").aggregateId("a/1").correlationId("c/2").receivedAt(micros(5)).build()));
    }

    private List<String> query(EventFilter filter) {
      return ids(log().query(filter, null, 100));
    }

    @Test
    void without_filters_all_events_come_in_received_at_order() {
      assertThat(query(EventFilter.none())).containsExactly(id(1), id(2), id(3), id(4), id(5));
    }

    @Test
    void each_filter_selects_its_events() {
      assertThat(query(new EventFilter("paid", null, null, null, null, null))).containsExactly(id(1), id(3), id(5));
      assertThat(query(new EventFilter(null, "shipping", null, null, null, null))).containsExactly(id(3), id(4));
      assertThat(query(new EventFilter(null, null, "a/2", null, null, null))).containsExactly(id(2), id(4));
      assertThat(query(new EventFilter(null, null, null, "c/1", null, null))).containsExactly(id(1), id(2));
      assertThat(query(new EventFilter(null, null, null, null, micros(2), null))).containsExactly(id(3), id(4), id(5));
      assertThat(query(new EventFilter(null, null, null, null, null, micros(2)))).containsExactly(id(1));
      assertThat(query(new EventFilter("nothing", null, null, null, null, null))).isEmpty();
    }

    @Test
    void filters_combine_with_and() {
      assertThat(query(new EventFilter("paid", "billing", null, null, null, null))).containsExactly(id(1), id(5));
      assertThat(query(new EventFilter("paid", null, "a/1", "c/2", null, null))).containsExactly(id(5));
      assertThat(query(new EventFilter(null, "billing", null, null, micros(1), micros(5)))).containsExactly(id(2));
      assertThat(query(new EventFilter("paid", "shipping", "a/1", null, micros(2), micros(4)))).containsExactly(id(3));
    }

    @Test
    void results_continue_strictly_after_the_position_and_stop_at_the_limit() {
      assertThat(ids(log().query(EventFilter.none(), new Position(micros(2), id(2)), 2))).containsExactly(id(3), id(4));
      assertThat(ids(log().query(EventFilter.none(), new Position(micros(2), ""), 2))).containsExactly(id(2), id(3));
      assertThat(log().query(EventFilter.none(), null, 0)).isEmpty();
    }
  }

  @Nested
  class KeysetPaging {

    @Test
    void pages_visit_every_event_once_when_many_share_a_received_at() {
      // Given 25 events, in groups of 5 sharing one received_at, appended out of id order
      List<StoredEvent> events = IntStream.range(0, 25)
          .map(i -> 24 - i)
          .mapToObj(n -> anEvent(n).type(n % 2 == 0 ? "even" : "odd").receivedAt(micros(n / 5)).build())
          .toList();
      log().append(events);

      // When a reader follows pages of 3
      List<String> all = allPages(after -> log().query(EventFilter.none(), after, 3), 3);
      List<String> even = allPages(after -> log().query(new EventFilter("even", null, null, null, null, null), after, 2), 2);

      // Then it sees every event once, in (received_at, id) order
      assertThat(all).containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(TestEvents::id).toList());
      assertThat(even).containsExactlyElementsOf(IntStream.range(0, 25).filter(n -> n % 2 == 0).mapToObj(TestEvents::id).toList());
    }
  }

  @Nested
  class AggregateHistory {

    @Test
    void history_is_in_created_at_then_received_at_then_id_order() {
      // Given one aggregate's events received in another order than they were created
      log().append(List.of(
          anEvent(1).aggregateId("order/7").createdAt(T0.plusSeconds(3)).receivedAt(micros(1)).build(),
          anEvent(2).aggregateId("order/7").createdAt(T0.plusSeconds(1)).receivedAt(micros(5)).build(),
          anEvent(3).aggregateId("order/7").createdAt(T0.plusSeconds(1)).receivedAt(micros(4)).build(),
          anEvent(5).aggregateId("order/7").createdAt(T0.plusSeconds(2)).receivedAt(micros(6)).build(),
          anEvent(4).aggregateId("order/7").createdAt(T0.plusSeconds(2)).receivedAt(micros(6)).build(),
          anEvent(6).aggregateId("order/8").createdAt(T0).receivedAt(micros(2)).build()));

      List<StoredEvent> history = log().aggregateHistory("order/7", null, null, 100);

      assertThat(ids(history)).containsExactly(id(3), id(2), id(4), id(5), id(1));
    }

    @Test
    void as_of_keeps_the_events_created_up_to_and_at_that_instant() {
      log().append(List.of(
          anEvent(1).aggregateId("order/7").createdAt(T0.plusSeconds(1)).build(),
          anEvent(2).aggregateId("order/7").createdAt(T0.plusSeconds(2)).build(),
          anEvent(3).aggregateId("order/7").createdAt(T0.plusSeconds(2).plusNanos(1000)).build()));

      assertThat(ids(log().aggregateHistory("order/7", T0.plusSeconds(2), null, 100))).containsExactly(id(1), id(2));
      assertThat(ids(log().aggregateHistory("order/7", T0, null, 100))).isEmpty();
      assertThat(log().aggregateHistory("order/unknown", null, null, 100)).isEmpty();
    }

    @Test
    void history_pages_continue_strictly_after_the_position() {
      List<StoredEvent> events = IntStream.range(0, 7)
          .mapToObj(n -> anEvent(n).aggregateId("order/7").createdAt(T0.plusSeconds(n / 3)).receivedAt(micros(10 - n / 2)).build())
          .toList();
      log().append(events);
      List<String> expected = ids(log().aggregateHistory("order/7", null, null, 100));

      List<String> paged = pagedHistory("order/7", 2);

      assertThat(expected).hasSize(7);
      assertThat(paged).isEqualTo(expected);
    }

    /** The whole history of {@code aggregateId}, read page by page, each after the last one's position. */
    private List<String> pagedHistory(String aggregateId, int pageSize) {
      List<String> paged = new ArrayList<>();
      AggregatePosition after = null;
      List<StoredEvent> page;
      do {
        page = log().aggregateHistory(aggregateId, null, after, pageSize);
        paged.addAll(ids(page));
        if (!page.isEmpty()) {
          StoredEvent last = page.get(page.size() - 1);
          after = new AggregatePosition(last.event().createdAt(), last.receivedAt(), last.id());
        }
      } while (page.size() == pageSize);
      return paged;
    }

    @Test
    void history_spanning_centuries_comes_in_order_page_by_page_and_as_of_any_point() {
      // Given one aggregate's events created from before 1970 to decades ahead (the embedded store
      // keys its aggregate index by week), appended out of order among another aggregate's
      List<Instant> created = List.of(Instant.parse("1901-03-04T05:06:07.000008Z"), Instant.parse("1969-12-31T23:59:59.999999Z"),
          Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("1970-01-07T23:59:59.999999Z"),
          Instant.parse("1970-01-08T00:00:00Z"), T0.minusSeconds(604_800), T0, T0.plusNanos(1000), T0.plusSeconds(3),
          Instant.parse("2080-06-01T00:00:00Z"));
      List<StoredEvent> events = new ArrayList<>();
      for (int n = 0; n < created.size(); n++) {
        events.add(anEvent(n).aggregateId("order/7").createdAt(created.get(n)).receivedAt(micros(100 - n)).build());
        events.add(anEvent(100 + n).aggregateId("order/8").createdAt(created.get(n)).receivedAt(micros(200 + n)).build());
      }
      java.util.Collections.shuffle(events, new java.util.Random(5));
      log().append(events);
      List<String> inOrder = IntStream.range(0, created.size()).mapToObj(TestEvents::id).toList();

      assertThat(ids(log().aggregateHistory("order/7", null, null, 100))).isEqualTo(inOrder);
      assertThat(pagedHistory("order/7", 3)).isEqualTo(inOrder);
      for (int n = 0; n < created.size(); n++) {
        assertThat(ids(log().aggregateHistory("order/7", created.get(n), null, 100)))
            .as("as of %s", created.get(n)).isEqualTo(inOrder.subList(0, n + 1));
      }
      assertThat(ids(log().query(new EventFilter(null, null, "order/7", null, null, null), null, 100)))
          .containsExactlyInAnyOrderElementsOf(inOrder);
    }
  }

  @Nested
  class Durability {

    @Test
    void events_survive_close_and_reopen() {
      // Given an acknowledged batch
      StoredEvent one = anEvent(1).receivedAt(micros(1)).build();
      StoredEvent two = anEvent(2).correlationId("c/1").receivedAt(micros(2)).build();
      log().append(List.of(one, two));

      // When the store is closed and opened again
      reopen();

      // Then everything is there, and ids still deduplicate
      assertThat(log().query(EventFilter.none(), null, 10)).containsExactly(one, two);
      assertThat(appendOne(anEvent(1).receivedAt(micros(9)).build())).isEqualTo(new AppendResult(Outcome.DUPLICATE, one));
    }
  }
}
