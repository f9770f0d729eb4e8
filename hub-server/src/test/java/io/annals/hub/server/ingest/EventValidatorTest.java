package io.annals.hub.server.ingest;

import static io.annals.hub.server.TestEvents.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.event.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  final EventValidator validator =
      new EventValidator(StrictJson.mapper(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));

  Validation validate(ObjectNode event) {
    return validator.validate(event, "");
  }

  Event valid(ObjectNode event) {
    assertThat(validate(event)).isInstanceOf(Validation.Valid.class);
    return ((Validation.Valid) validate(event)).event();
  }

  Validation.Invalid invalid(ObjectNode event) {
    assertThat(validate(event)).isInstanceOf(Validation.Invalid.class);
    return (Validation.Invalid) validate(event);
  }

  @Test
  void the_id_is_normalised_to_lower_case_and_created_at_to_utc_microseconds() {
    ObjectNode e = node("0192F0C4-6D1E-7B3A-9C55-2F1D8C0E4A11");
    e.with("meta").put("created_at", "2026-01-01T13:00:00.123456789+01:00");

    Event event = valid(e);

    assertThat(event.id()).isEqualTo("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    assertThat(event.createdAt()).isEqualTo(Instant.parse("2026-01-01T12:00:00.123456Z"));
  }

  @Test
  void the_payload_keeps_its_decimals_exactly_as_sent() {
    ObjectNode e = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    e.set("payload", io.annals.hub.server.TestEvents.parse("{\"a\":3.0000,\"b\":1.10,\"c\":12345678901234567890.5}"));

    assertThat(valid(e).payloadJson()).isEqualTo("{\"a\":3.0000,\"b\":1.10,\"c\":12345678901234567890.5}");
  }

  @Test
  void created_at_up_to_the_skew_ahead_is_accepted_and_a_microsecond_more_is_not() {
    ObjectNode atLimit = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    atLimit.with("meta").put("created_at", "2026-06-01T00:05:00Z");
    ObjectNode over = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    over.with("meta").put("created_at", "2026-06-01T00:05:00.000001Z");

    valid(atLimit);
    assertThat(invalid(over).errors()).extracting(FieldError::pointer).containsExactly("/meta/created_at");
  }

  @Test
  void created_at_without_offset_or_beyond_year_9999_is_invalid() {
    for (String t : new String[] {"2026-01-01T12:00:00", "2026-01-01", "+10000-01-01T00:00:00Z",
        "+999999999-12-31T23:59:59-18:00", "0000-12-31T23:59:59Z", "yesterday"}) {
      ObjectNode e = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
      e.with("meta").put("created_at", t);
      assertThat(invalid(e).errors()).extracting(FieldError::pointer).containsExactly("/meta/created_at");
    }
  }

  @Test
  void correlation_id_may_be_absent_or_null_but_not_empty() {
    ObjectNode absent = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    absent.with("meta").remove("correlation_id");
    ObjectNode nul = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    nul.with("meta").putNull("correlation_id");
    ObjectNode empty = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    empty.with("meta").put("correlation_id", "");

    assertThat(valid(absent).correlationId()).isNull();
    assertThat(valid(nul).correlationId()).isNull();
    assertThat(invalid(empty).errors()).extracting(FieldError::pointer).containsExactly("/meta/correlation_id");
  }

  @Test
  void a_missing_payload_and_unknown_fields_are_errors_with_escaped_pointers() {
    ObjectNode e = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    e.remove("payload");
    e.with("meta").put("a/b~c", 1);

    Validation.Invalid bad = (Validation.Invalid) validator.validate(e, "/7");

    assertThat(bad.errors()).extracting(FieldError::pointer).containsExactly("/7/meta/a~1b~0c", "/7/payload");
    assertThat(bad.service()).isEqualTo("billing");
    assertThat(bad.id()).isEqualTo("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
  }

  @Test
  void control_characters_and_overlong_names_are_invalid() {
    ObjectNode control = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    control.with("meta").put("type", "a\nb");
    ObjectNode longName = node("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11");
    longName.with("meta").put("service", "s".repeat(EventValidator.MAX_NAME_LENGTH + 1));

    assertThat(invalid(control).errors()).extracting(FieldError::pointer).containsExactly("/meta/type");
    assertThat(invalid(longName).errors()).extracting(FieldError::pointer).containsExactly("/meta/service");
  }
}
