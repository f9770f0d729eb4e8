package io.annals.hub.server.ingest;

import static io.annals.hub.server.TestEvents.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestEvents;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The envelope rules at their exact edges (longest names and ids, the event size bound, the years
 * 0001 and 9999 in UTC) and the pointers and names an invalid document is answered with. Written to
 * kill mutants that survived {@link EventValidatorTest} and the HTTP suites (docs/mutation.md).
 */
class EventValidatorEdgesTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final String ID = "0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11";

  private static EventValidator validator(int maxEventBytes) {
    return new EventValidator(StrictJson.mapper(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), maxEventBytes);
  }

  private static Validation validate(JsonNode event, String prefix) {
    return validator(1 << 20).validate(event, prefix);
  }

  private static Validation.Invalid invalid(JsonNode event, String prefix) {
    Validation validation = validate(event, prefix);
    assertThat(validation).isInstanceOf(Validation.Invalid.class);
    return (Validation.Invalid) validation;
  }

  private static ObjectNode withMeta(String field, String value) {
    ObjectNode event = node(ID);
    event.with("meta").put(field, value);
    return event;
  }

  @Test
  void names_of_256_characters_and_ids_of_1024_are_accepted_and_one_more_is_not() {
    for (String field : new String[] {"service", "type"}) {
      assertThat(validate(withMeta(field, "s".repeat(256)), "")).isInstanceOf(Validation.Valid.class);
      assertThat(invalid(withMeta(field, "s".repeat(257)), "").errors())
          .containsExactly(new FieldError("/meta/" + field, "must be a non-empty string of at most 256 characters"));
    }
    for (String field : new String[] {"aggregate_id", "correlation_id"}) {
      assertThat(validate(withMeta(field, "a".repeat(1024)), "")).isInstanceOf(Validation.Valid.class);
      assertThat(invalid(withMeta(field, "a".repeat(1025)), "").errors())
          .containsExactly(new FieldError("/meta/" + field, "must be a non-empty string of at most 1024 characters"));
    }
  }

  @Test
  void an_event_of_exactly_the_size_bound_is_accepted_and_one_byte_smaller_a_bound_refuses_it()
      throws JsonProcessingException {
    ObjectNode event = node(ID);
    int size = TestEvents.JSON.writeValueAsBytes(event).length;

    assertThat(validator(size).validate(event, "")).isInstanceOf(Validation.Valid.class);
    Validation refused = validator(size - 1).validate(event, "/4");
    assertThat(refused).isInstanceOf(Validation.Invalid.class);
    assertThat(((Validation.Invalid) refused).errors()).extracting(FieldError::pointer).containsExactly("/4");
    assertThat(((Validation.Invalid) refused).errors().get(0).detail()).startsWith("the event is larger than " + (size - 1) + " bytes");
  }

  @Test
  void the_size_bound_that_spares_writing_an_event_out_is_never_below_the_bytes_written() throws JsonProcessingException {
    // Escapes of every kind, characters of 1 to 3 bytes, surrogate pairs and lone halves, odd names,
    // numbers whose text Jackson writes longer than it came (1e3 as 1E+3), all kinds of values.
    String[] documents = {
        "{\"s\":\"\\u0000\\u0001\\u001f\\\"\\\\\\b\\t\\n\\f\\r/\\u007f\\u0080\\u07ff\\u0800\\uffff\"}",
        "{\"emoji\":\"\\ud83d\\ude00\\ud83d\\ude00\",\"lone\":\"\\ud800x\\udc00\"}",
        "{\"\\u0001na\\\"me\\u00e9\\ud83d\\ude00\":[],\"\":{}}",
        "{\"all\":[[],{},null,true,false,\"\",[[[\"x\"]]]]}",
        "{\"ints\":[0,-0,-2147483648,-9223372036854775808,123456789012345678901234567890,-98765432109876543210987654321]}",
        "{\"decimals\":[-1e3,1E+3,1.5e10,10e9,123e5,1e-7,0.00000001,-0.000001234,3.0000,0e5,1e999999999,1e-999999999]}",
    };
    for (String document : documents) {
      JsonNode node = TestEvents.parse(document);
      int written = StrictJson.mapper().writeValueAsBytes(node).length;
      assertThat(EventValidator.sizeBound(node)).as(document).isGreaterThanOrEqualTo(written);
    }
  }

  @Test
  void an_event_is_accepted_under_any_bound_from_its_written_size_up_to_past_the_estimate_and_refused_below()
      throws JsonProcessingException {
    // The estimate settles bounds at or above it without writing the event; below it the event is written and counted.
    ObjectNode event = node(ID);
    ((ObjectNode) event.get("payload")).put("note", "caf\u00e9 \ud83d\ude00 \"quoted\"\n").put("amount", new BigDecimal("1e3"));
    int size = StrictJson.mapper().writeValueAsBytes(event).length;
    int estimate = (int) EventValidator.sizeBound(event);

    for (int bound : new int[] {size, size + 1, estimate - 1, estimate, estimate + 1}) {
      assertThat(validator(bound).validate(event, "")).as("bound %d", bound).isInstanceOf(Validation.Valid.class);
    }
    assertThat(validator(size - 1).validate(event, "")).isInstanceOf(Validation.Invalid.class);
  }

  @Test
  void an_oversized_event_is_named_by_its_lower_cased_id_and_only_by_names_that_are_valid() {
    ObjectNode event = node(ID.toUpperCase());
    event.with("meta").put("type", "bad\u0007type");

    Validation.Invalid refused = (Validation.Invalid) validator(10).validate(event, "");

    assertThat(refused.id()).isEqualTo(ID);
    assertThat(refused.service()).isEqualTo("billing");
    assertThat(refused.type()).isNull();
  }

  @Test
  void an_oversized_event_whose_id_is_not_a_uuid_is_not_named_by_it() {
    Validation.Invalid refused = (Validation.Invalid) validator(10).validate(node("not-a-uuid"), "");

    assertThat(refused.id()).isNull();
  }

  @Test
  void a_document_that_is_not_an_object_is_named_by_its_kind_at_the_items_pointer() {
    assertThat(invalid(TestEvents.parse("[1]"), "/3").errors())
        .containsExactly(new FieldError("/3", "must be an event object, not array"));
    assertThat(invalid(TestEvents.parse("\"x\""), "").errors())
        .containsExactly(new FieldError("", "must be an event object, not string"));
  }

  @Test
  void a_missing_or_non_object_meta_is_named_under_the_items_pointer() {
    ObjectNode noMeta = node(ID);
    noMeta.remove("meta");
    ObjectNode textMeta = node(ID);
    textMeta.put("meta", "billing");

    assertThat(invalid(noMeta, "/2").errors()).containsExactly(new FieldError("/2/meta", "required"));
    Validation.Invalid text = invalid(textMeta, "/2");
    assertThat(text.errors()).containsExactly(new FieldError("/2/meta", "must be an object, not string"));
    assertThat(text.service()).isNull();
  }

  @Test
  void an_invalid_event_keeps_its_id_as_sent_when_it_is_not_a_uuid_and_none_when_it_is_not_text() {
    ObjectNode textId = node("order-17");
    ObjectNode numberId = node(ID);
    numberId.put("id", 17);

    Validation.Invalid text = invalid(textId, "");
    assertThat(text.id()).isEqualTo("order-17");
    assertThat(text.service()).isEqualTo("billing");
    assertThat(text.type()).isEqualTo("payment-completed");
    assertThat(text.errors()).containsExactly(
        new FieldError("/id", "must be a UUID string like 0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11"));
    assertThat(invalid(numberId, "").id()).isNull();
  }

  @Test
  void created_at_from_the_year_0001_is_accepted_and_an_offset_leading_out_of_0001_to_9999_in_utc_is_not() {
    assertThat(validate(withMeta("created_at", "0001-01-01T00:00:00Z"), "")).isInstanceOf(Validation.Valid.class);
    assertThat(invalid(withMeta("created_at", "9999-12-31T23:30:00-01:00"), "").errors())
        .containsExactly(new FieldError("/meta/created_at", "must lie between the years 0001 and 9999 (UTC)"));
    assertThat(invalid(withMeta("created_at", "0001-01-01T00:30:00+01:00"), "").errors())
        .containsExactly(new FieldError("/meta/created_at", "must lie between the years 0001 and 9999 (UTC)"));
    assertThat(invalid(withMeta("created_at", "0000-12-31T23:00:00Z"), "").errors())
        .extracting(FieldError::pointer).containsExactly("/meta/created_at");
  }

  @Test
  void created_at_that_is_not_a_string_and_a_payload_that_is_not_an_object_are_named_by_kind() {
    ObjectNode numberTime = node(ID);
    numberTime.with("meta").put("created_at", 1767268800);
    ObjectNode arrayPayload = node(ID);
    arrayPayload.putArray("payload");

    assertThat(invalid(numberTime, "").errors()).containsExactly(new FieldError("/meta/created_at",
        "must be a string, not number; expected ISO-8601 with offset, e.g. 2026-01-01T12:00:00.000Z"));
    assertThat(invalid(arrayPayload, "").errors())
        .containsExactly(new FieldError("/payload", "must be a JSON object, not array"));
  }

  @Test
  void a_future_created_at_says_how_far_ahead_it_lies_and_the_skew_accepted() {
    assertThat(invalid(withMeta("created_at", "2026-06-01T01:00:00Z"), "").errors())
        .containsExactly(new FieldError("/meta/created_at",
            "lies 3600s in the future; at most 300s ahead of the hub's clock is accepted"));
  }

  @Test
  void a_required_name_that_is_not_text_is_named_by_kind_and_an_empty_one_is_refused() {
    ObjectNode numberService = node(ID);
    numberService.with("meta").put("service", 5);

    assertThat(invalid(numberService, "").errors())
        .containsExactly(new FieldError("/meta/service", "must be a string, not number"));
    assertThat(invalid(withMeta("type", ""), "").errors())
        .containsExactly(new FieldError("/meta/type", "must be a non-empty string of at most 256 characters"));
  }

  @Test
  void an_unknown_field_alone_makes_an_event_invalid_at_its_pointer() {
    ObjectNode top = node(ID);
    top.put("extra", 1);
    ObjectNode meta = node(ID);
    meta.with("meta").put("tenant", "a/b");

    assertThat(invalid(top, "/1").errors()).extracting(FieldError::pointer).containsExactly("/1/extra");
    assertThat(invalid(meta, "").errors()).extracting(FieldError::pointer).containsExactly("/meta/tenant");
  }
}
