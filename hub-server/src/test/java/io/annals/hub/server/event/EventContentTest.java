package io.annals.hub.server.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventContentTest {

  private static final Instant CREATED = Instant.parse("2026-01-01T12:00:00.123456Z");

  private static Event event(String payload) {
    return new Event("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11", "billing", "payment-completed", CREATED,
        "payment/23", null, payload);
  }

  private static boolean same(String a, String b) {
    return EventContent.sameContent(event(a), event(b));
  }

  @Test
  void key_order_does_not_matter_at_any_depth() {
    assertThat(same("{\"a\":1,\"b\":{\"c\":[1,{\"d\":2,\"e\":3}]}}", "{\"b\":{\"c\":[1,{\"e\":3,\"d\":2}]},\"a\":1}")).isTrue();
  }

  @Test
  void number_text_matters_even_deep_inside_arrays() {
    assertThat(same("{\"x\":1.0}", "{\"x\":1.00}")).isFalse();
    assertThat(same("{\"x\":1}", "{\"x\":1.0}")).isFalse();
    assertThat(same("{\"x\":[{\"y\":3.0000}]}", "{\"x\":[{\"y\":3.0}]}")).isFalse();
    assertThat(same("{\"x\":[{\"y\":3.0000}]}", "{ \"x\" : [ { \"y\" : 3.0000 } ] }")).isTrue();
    assertThat(same("{\"x\":0.1}", "{\"x\":0.10000000000000000001}")).isFalse();
  }

  @Test
  void array_order_and_value_types_matter() {
    assertThat(same("{\"x\":[1,2]}", "{\"x\":[2,1]}")).isFalse();
    assertThat(same("{\"x\":\"1\"}", "{\"x\":1}")).isFalse();
    assertThat(same("{\"x\":null}", "{}")).isFalse();
  }

  @Test
  void meta_fields_are_content_but_received_at_is_not_part_of_an_event() {
    Event a = event("{}");
    Event b = new Event(a.id(), a.service(), a.type(), a.createdAt(), a.aggregateId(), "corr/1", a.payloadJson());

    assertThat(EventContent.sameContent(a, b)).isFalse();
    assertThat(EventContent.sameContent(a, event("{}"))).isTrue();
  }

  @Test
  void a_payload_that_is_not_json_is_refused_by_name() {
    assertThatThrownBy(() -> same("{\"x\":1}", "{\"x\":"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload is not valid JSON");
  }
}
