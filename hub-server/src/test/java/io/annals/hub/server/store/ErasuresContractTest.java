package io.annals.hub.server.store;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@link Erasures} contract: the erasure log and the payload rewrite; on every adapter. */
class ErasuresContractTest extends StoreContract {

  private Erasures erasures() {
    return store.erasures();
  }

  private static ErasureRecord record(String erasureId, long at, List<String> pointers, String... eventIds) {
    return new ErasureRecord(erasureId, micros(at), "ops", "ticket " + erasureId, pointers, List.of(eventIds));
  }

  @Test
  void a_recorded_erasure_is_found_by_id_with_every_field_and_recording_it_again_answers_the_first() {
    ErasureRecord first = record("er-1", 10, List.of("/email", "/name"), id(1), id(2));
    assertThat(erasures().record(first)).isEqualTo(new Erasures.Recorded(first, true));

    ErasureRecord again = new ErasureRecord("er-1", micros(99), "someone-else", "other", null, List.of(id(3)));
    assertThat(erasures().record(again)).isEqualTo(new Erasures.Recorded(first, false));
    assertThat(erasures().find("er-1")).contains(first);
    assertThat(erasures().find("er-2")).isEmpty();
    ErasureRecord whole = record("er-2", 11, null, id(4));
    erasures().record(whole);
    assertThat(erasures().find("er-2").orElseThrow().pointers()).isNull();
  }

  @Test
  void erasures_are_listed_in_requested_at_then_id_order_in_keyset_pages() {
    erasures().record(record("b", 20, null, id(1)));
    erasures().record(record("a", 20, null, id(2)));
    erasures().record(record("c", 10, null, id(3)));
    erasures().record(record("d", 30, null, id(4)));

    List<ErasureRecord> first = erasures().list(null, 2);
    assertThat(first).extracting(ErasureRecord::erasureId).containsExactly("c", "a");
    assertThat(erasures().list(first.get(1).position(), 10)).extracting(ErasureRecord::erasureId).containsExactly("b", "d");
    assertThat(erasures().list(null, 0)).isEmpty();
  }

  @Test
  void the_erasures_naming_an_event_are_found_by_its_id() {
    erasures().record(record("x", 10, null, id(1), id(2)));
    erasures().record(record("y", 20, List.of("/email"), id(2)));

    assertThat(erasures().naming(List.of(id(2)))).extracting(ErasureRecord::erasureId).containsExactly("x", "y");
    assertThat(erasures().naming(List.of(id(1), id(9)))).extracting(ErasureRecord::erasureId).containsExactly("x");
    assertThat(erasures().naming(List.of(id(9)))).isEmpty();
    assertThat(erasures().naming(List.of())).isEmpty();
  }

  @Test
  void a_rewrite_replaces_stored_payloads_and_skips_ids_not_stored() {
    store.log().append(List.of(anEvent(1).payload("{\"email\":\"a@b.c\",\"amount\":\"1.00\"}").build(), anEvent(2).build()));

    int rewritten = erasures().rewritePayloads(Map.of(id(1), "{\"email\":{\"annals:erased\":{}},\"amount\":\"1.00\"}",
        id(9), "{}"));

    assertThat(rewritten).isEqualTo(1);
    assertThat(store.log().find(id(1)).orElseThrow().event().payloadJson())
        .isEqualTo("{\"email\":{\"annals:erased\":{}},\"amount\":\"1.00\"}");
    assertThat(store.log().find(id(2)).orElseThrow().event().payloadJson()).isEqualTo(anEvent(2).build().event().payloadJson());
    assertThat(store.log().find(id(9))).isEmpty();
    assertThat(erasures().rewritePayloads(Map.of())).isZero();
  }

  @Test
  void erasures_and_rewrites_survive_close_and_reopen() {
    store.log().append(List.of(anEvent(1).payload("{\"email\":\"a@b.c\"}").build()));
    erasures().record(record("er-1", 10, List.of("/email"), id(1)));
    erasures().rewritePayloads(Map.of(id(1), "{\"email\":null}"));

    reopen();

    assertThat(erasures().find("er-1")).isPresent();
    assertThat(store.log().find(id(1)).orElseThrow().event().payloadJson()).isEqualTo("{\"email\":null}");
  }
}
