package io.annals.hub.server.store;

import static io.annals.hub.server.store.TestEvents.T0;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ingest.FieldError;
import io.annals.hub.server.schema.CatalogEntry;
import io.annals.hub.server.schema.QuarantinedEvent;
import io.annals.hub.server.schema.SchemaMode;
import io.annals.hub.server.schema.SchemaStores;
import io.annals.hub.server.schema.SchemaVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contracts of the schema, quarantine, catalog and type-history ports, on every adapter. */
class SchemaPortsContractTest extends StoreContract {

  private SchemaStores ports() {
    return store.schemas();
  }

  private static SchemaVersion version(String type, int n, SchemaMode mode) {
    return new SchemaVersion("shop", type, n, mode, "{\"type\":\"object\",\"n\":" + n + "}", T0.plusSeconds(n), 10L * n);
  }

  @Test
  void versions_are_numbered_one_up_and_a_number_taken_is_refused() {
    assertThat(ports().registry().register(version("paid", 2, SchemaMode.ENFORCE))).as("2 before 1").isFalse();
    assertThat(ports().registry().register(version("paid", 1, SchemaMode.ENFORCE))).isTrue();
    assertThat(ports().registry().register(version("paid", 1, SchemaMode.QUARANTINE))).as("1 again").isFalse();
    assertThat(ports().registry().register(version("paid", 2, SchemaMode.QUARANTINE))).isTrue();
    assertThat(ports().registry().register(version("cancelled", 1, SchemaMode.ENFORCE))).isTrue();

    reopen();
    assertThat(ports().registry().versions("shop", "paid")).containsExactly(
        version("paid", 1, SchemaMode.ENFORCE), version("paid", 2, SchemaMode.QUARANTINE));
    assertThat(ports().registry().latest("shop", "paid")).contains(version("paid", 2, SchemaMode.QUARANTINE));
    assertThat(ports().registry().latest("shop", "shipped")).isEmpty();
    assertThat(ports().registry().latestOfEach()).containsExactly(
        version("cancelled", 1, SchemaMode.ENFORCE), version("paid", 2, SchemaMode.QUARANTINE));
  }

  /** A held event; the odd ones with a correlation id, every third with CloudEvents extensions. */
  private static QuarantinedEvent held(int n, String type) {
    return QuarantinedEvent.held(anEvent(n).service("shop").type(type).correlationId(n % 2 == 0 ? null : "c/" + n)
            .extensions(n % 3 == 0 ? java.util.Map.of("traceparent", "00-" + n, "ce_datacontenttype", "application/json") : java.util.Map.of())
            .build().event(),
        T0.plusSeconds(n), 3, List.of(new FieldError("/amount", "string found, number expected")));
  }

  @Test
  void every_entry_held_or_dropped_is_listed_with_every_field_and_a_dropped_one_given_is_kept_dropped() {
    QuarantinedEvent droppedElsewhere = new QuarantinedEvent(held(6, "paid").event(), T0.plusSeconds(6), 2,
        List.of(new FieldError("/x", "y")), "copied dropped", T0.plusSeconds(60));
    ports().quarantine().hold(List.of(held(1, "paid"), held(2, "cancelled"), held(3, "paid"), droppedElsewhere));
    ports().quarantine().drop(List.of(id(2)), "test data", T0.plusSeconds(30));

    reopen();
    QuarantinedEvent dropped2 = new QuarantinedEvent(held(2, "cancelled").event(), T0.plusSeconds(2), 3, held(2, "cancelled").errors(),
        "test data", T0.plusSeconds(30));
    assertThat(ports().quarantine().entries(null, 10)).containsExactly(held(1, "paid"), dropped2, held(3, "paid"), droppedElsewhere);
    assertThat(ports().quarantine().entries(id(1), 2)).containsExactly(dropped2, held(3, "paid"));
    assertThat(ports().quarantine().entries(id(6), 2)).isEmpty();
    assertThat(ports().quarantine().entries(null, 10).get(2).event().extensions())
        .as("extensions kept").containsEntry("traceparent", "00-3").hasSize(2);
    assertThat(ports().quarantine().heldCount()).isEqualTo(2);
    assertThat(ports().quarantine().find(List.of(id(6)))).as("dropped, so not found for a release").isEmpty();
    assertThat(ports().quarantine().release(List.of(id(6)))).isZero();
  }

  @Test
  void held_events_are_kept_once_listed_by_type_in_pages_and_released_or_dropped_once() {
    ports().quarantine().hold(List.of(held(1, "paid"), held(2, "paid"), held(3, "cancelled")));
    ports().quarantine().hold(List.of(held(1, "paid"), held(4, "paid")));

    reopen();
    assertThat(ports().quarantine().heldCount()).isEqualTo(4);
    assertThat(ports().quarantine().held("shop", "paid", null, 10)).containsExactly(held(1, "paid"), held(2, "paid"), held(4, "paid"));
    assertThat(ports().quarantine().held(null, null, id(1), 2)).extracting(QuarantinedEvent::id).containsExactly(id(2), id(3));
    assertThat(ports().quarantine().held("other", null, null, 10)).isEmpty();
    assertThat(ports().quarantine().find(List.of(id(3), id(9)))).containsExactly(held(3, "cancelled"));

    assertThat(ports().quarantine().release(List.of(id(1), id(9)))).isEqualTo(1);
    assertThat(ports().quarantine().release(List.of(id(1)))).isZero();
    assertThat(ports().quarantine().drop(List.of(id(2)), "test data", T0)).isEqualTo(1);
    assertThat(ports().quarantine().drop(List.of(id(2)), "again", T0)).isZero();
    assertThat(ports().quarantine().release(List.of(id(2)))).as("a dropped event is never released").isZero();
    assertThat(ports().quarantine().find(List.of(id(1), id(2)))).isEmpty();
    ports().quarantine().hold(List.of(held(2, "paid")));
    assertThat(ports().quarantine().held(null, null, null, 10)).extracting(QuarantinedEvent::id).containsExactly(id(3), id(4));
    assertThat(ports().quarantine().heldCount()).isEqualTo(2);
  }

  @Test
  void each_drop_records_its_own_reason_and_time_when_drops_follow_one_another() {
    ports().quarantine().hold(List.of(held(1, "paid"), held(2, "paid"), held(3, "paid")));

    ports().quarantine().drop(List.of(id(1)), "test data", T0.plusSeconds(10));
    ports().quarantine().drop(List.of(id(2), id(3)), "duplicate", T0.plusSeconds(20));

    assertThat(ports().quarantine().entries(null, 10))
        .extracting(QuarantinedEvent::id, QuarantinedEvent::droppedReason, QuarantinedEvent::droppedAt)
        .containsExactly(tuple(id(1), "test data", T0.plusSeconds(10)), tuple(id(2), "duplicate", T0.plusSeconds(20)),
            tuple(id(3), "duplicate", T0.plusSeconds(20)));
  }

  @Test
  void the_catalog_counts_what_each_append_created_and_nothing_twice() {
    Instant now = T0.plusSeconds(7200);
    List<StoredEvent> first = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // 10 an hour and a half ago, 20 in the last half hour
      first.add(anEvent(i).service("shop").type(i % 3 == 0 ? "cancelled" : "paid").receivedAt(now.minusSeconds(i < 10 ? 5400 : 1800 - i)).build());
    }
    store.log().append(first.subList(0, 10));
    store.log().append(first);
    store.log().append(List.of(anEvent(3).service("shop").type("cancelled").payload("{\"other\":1}").receivedAt(now).build()));

    assertCatalog(now);
    reopen();
    assertCatalog(now);
  }

  private void assertCatalog(Instant now) {
    List<CatalogEntry> entries = ports().catalog().entries(now);
    assertThat(entries).extracting(CatalogEntry::type).containsExactly("cancelled", "paid");
    CatalogEntry cancelled = entries.get(0);
    CatalogEntry paid = entries.get(1);
    assertThat(cancelled.count()).isEqualTo(10);
    assertThat(paid.count()).isEqualTo(20);
    assertThat(cancelled.firstReceivedAt()).isEqualTo(now.minusSeconds(5400));
    assertThat(cancelled.lastReceivedAt()).isEqualTo(now.minusSeconds(1800 - 27));
    assertThat(cancelled.lastHour() + paid.lastHour()).as("the 20 of the last half hour").isEqualTo(20);
    assertThat(paid.lastHour()).isEqualTo(14);
  }

  @Test
  void a_type_history_reads_newest_first_in_keyset_pages_and_only_that_service_and_type() {
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      events.add(anEvent(i).service(i == 7 ? "other" : "shop").type(i == 8 ? "cancelled" : "paid").receivedAt(T0.plusSeconds(i / 2)).build());
    }
    store.log().append(events);

    List<String> seen = new ArrayList<>();
    Position before = null;
    while (true) {
      List<StoredEvent> page = ports().history().newestFirst("shop", "paid", before, 4);
      page.forEach(e -> seen.add(e.id()));
      if (page.size() < 4) {
        break;
      }
      StoredEvent last = page.get(page.size() - 1);
      before = new Position(last.receivedAt(), last.id());
    }
    List<String> expected = events.stream().filter(e -> e.event().service().equals("shop") && e.event().type().equals("paid"))
        .sorted(java.util.Comparator.comparing(StoredEvent::receivedAt).thenComparing(StoredEvent::id).reversed())
        .map(StoredEvent::id).toList();
    assertThat(seen).hasSize(23).containsExactlyElementsOf(expected);
  }
}
