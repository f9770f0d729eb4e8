package io.annals.hub.server.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.annals.hub.server.auth.Rate;
import io.annals.hub.server.auth.RequestLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The request reader on its own, with small limits (bodies of 64 bytes, 3 events a request): which
 * bodies it reads and which it refuses before or while reading them, and how. The HTTP suites drive
 * it with the default limits; these pin its bounds to the byte and the event.
 */
class RequestReaderTest {

  static final RequestLimits LIMITS = new RequestLimits(64, 3, 64, 8, 1_000, Rate.defaults());
  static final String JSON = "application/json";

  final RequestReader reader = new RequestReader(StrictJson.mapper(LIMITS), LIMITS);
  final BodyBudget budget = new BodyBudget(1 << 20, LIMITS.maxBodyBytes());

  Submission read(String contentType, long declaredLength, byte[] body, Map<String, String> ceHeaders) {
    try (BodyBudget.Lease lease = budget.lease(declaredLength)) {
      return reader.read(contentType, declaredLength, lease.meter(new ByteArrayInputStream(body)), ceHeaders, lease);
    }
  }

  Submission read(String contentType, String body) {
    byte[] bytes = body.getBytes(UTF_8);
    return read(contentType, bytes.length, bytes, Map.of());
  }

  RequestRejectedException refused(String contentType, long declaredLength, byte[] body) {
    return catchThrowableOfType(RequestRejectedException.class,
        () -> read(contentType, declaredLength, body, Map.of()));
  }

  /** A JSON event {@code {"a":1}} padded with spaces to {@code length} bytes. */
  static byte[] padded(int length) {
    return ("{\"a\":1}" + " ".repeat(length - 7)).getBytes(UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @Test
  void a_body_of_exactly_the_limit_is_read_declared_or_chunked_and_one_byte_more_is_413_either_way() {
    assertThat(read(JSON, 64, padded(64), Map.of()).items()).singleElement()
        .satisfies(item -> assertThat(item.node().get("a").asInt()).isEqualTo(1));
    assertThat(read(JSON, -1, padded(64), Map.of()).format()).isEqualTo(Submission.Format.SINGLE);

    assertThat(refused(JSON, 65, padded(65)).status()).as("declared over the limit").isEqualTo(413);
    assertThat(refused(JSON, -1, padded(65)).status()).as("chunked over the limit").isEqualTo(413);
    assertThat(refused(JSON, 64, padded(65)).status()).as("more than declared").isEqualTo(413);
    assertThat(refused(JSON, 64, concat(padded(64), new byte[1])).status()).as("more than declared, a zero byte").isEqualTo(413);
  }

  @Test
  void a_body_that_ends_before_its_declared_length_is_judged_as_what_came() {
    byte[] body = "{\"a\":2}".getBytes(UTF_8);

    Submission read = read(JSON, 40, body, Map.of());

    assertThat(read.items()).singleElement().satisfies(item -> assertThat(item.node().get("a").asInt()).isEqualTo(2));
  }

  @Test
  void a_batch_of_the_events_allowed_is_read_and_one_more_is_413_as_json_cloudevents_or_ndjson() {
    assertThat(read(JSON, "[{},{},{}]").items()).hasSize(3);
    assertThat(read("application/x-ndjson", "{}\n{}\n{}").items()).hasSize(3);
    assertThat(read("application/cloudevents-batch+json", "[{},{},{}]").items()).hasSize(3);

    for (String[] tooMany : new String[][] {{JSON, "[{},{},{},{}]"}, {"application/x-ndjson", "{}\n{}\n{}\n{}"},
        {"application/cloudevents-batch+json", "[{},{},{},{}]"}}) {
      byte[] body = tooMany[1].getBytes(UTF_8);
      RequestRejectedException e = refused(tooMany[0], body.length, body);
      assertThat(e.status()).as(tooMany[0]).isEqualTo(413);
      assertThat(e.getMessage()).as(tooMany[0]).contains("more than 3 events");
    }
  }

  @Test
  void only_json_ndjson_and_cloudevents_media_types_are_taken_and_json_only_in_utf_8() {
    byte[] body = "{}".getBytes(UTF_8);

    assertThat(refused("text/plain", 2, body).status()).isEqualTo(415);
    assertThat(refused(null, 2, body).getMessage()).contains("no Content-Type");
    assertThat(refused("application/json; charset=latin1", 2, body).getMessage()).contains("charset latin1");
    assertThat(read("application/json; charset=\"UTF-8\"", 2, body, Map.of()).format()).isEqualTo(Submission.Format.SINGLE);
  }

  @Test
  void ce_headers_make_a_binary_cloudevent_unless_the_media_type_is_a_cloudevents_one() {
    Map<String, String> ce = Map.of("ce-id", "1");

    assertThat(reader.check("text/xml", 4, ce)).isTrue();
    assertThat(reader.check(null, 4, ce)).isTrue();
    assertThat(reader.check("application/cloudevents+json", 4, ce)).isFalse();
    assertThat(reader.check(JSON, 4, Map.of())).isFalse();
    assertThat(reader.check(JSON, 64, Map.of())).as("exactly the limit").isFalse();
  }

  @Test
  void binary_data_that_is_not_json_is_kept_as_its_bytes_and_json_data_is_parsed() {
    Map<String, String> ce = Map.of("ce-id", "1");
    byte[] xml = "<a/>".getBytes(UTF_8);

    Submission asBytes = read("text/xml", xml.length, xml, ce);
    Submission parsed = read(JSON, 7, "{\"x\":1}".getBytes(UTF_8), ce);
    Submission none = read("text/plain", 0, new byte[0], ce);

    assertThat(asBytes.form()).isEqualTo(Submission.Form.CLOUDEVENT_BINARY);
    assertThat(asBytes.items().get(0).node().get("data_base64").asText()).isEqualTo(Base64.getEncoder().encodeToString(xml));
    assertThat(asBytes.items().get(0).node().has("data")).isFalse();
    assertThat(parsed.items().get(0).node().get("data").get("x").asInt()).isEqualTo(1);
    assertThat(none.items().get(0).node().has("data_base64")).isFalse();
    assertThat(none.items().get(0).node().has("data")).isFalse();
  }

  @Test
  void utf_8_beyond_ascii_is_read_a_byte_order_mark_is_skipped_and_bad_bytes_are_400() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] bad = concat("{\"a\":\"".getBytes(UTF_8), new byte[] {(byte) 0xC3, (byte) 0x28}, "\"}".getBytes(UTF_8));

    assertThat(read(JSON, "{\"a\":\"é€\"}").items().get(0).node().get("a").asText()).isEqualTo("é€");
    byte[] withBom = concat(bom, "{\"a\":3}".getBytes(UTF_8));
    assertThat(read(JSON, withBom.length, withBom, Map.of()).items().get(0).node().get("a").asInt()).isEqualTo(3);
    byte[] onlyBom = concat(bom, "  ".getBytes(UTF_8));
    assertThat(refused(JSON, onlyBom.length, onlyBom).getMessage()).as("a mark and blanks are an empty body")
        .contains("the body is empty");
    assertThat(refused(JSON, 3, bom).getMessage()).as("a mark alone is an empty body").contains("the body is empty");
    RequestRejectedException e = refused(JSON, bad.length, bad);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("not valid UTF-8 (1 bad byte(s))");
  }

  @Test
  void media_types_are_read_without_parameters_case_or_spaces_and_a_blank_one_is_none() {
    // Read by indexOf since issue 29 (was split): the same answers, a blank type included.
    assertThat(RequestReader.mediaType(" Application/JSON ; charset=utf-8")).isEqualTo("application/json");
    assertThat(RequestReader.mediaType("application/x-ndjson")).isEqualTo("application/x-ndjson");
    assertThat(RequestReader.mediaType(";charset=utf-8")).isEmpty();
    assertThat(RequestReader.mediaType("  ")).isNull();
    assertThat(RequestReader.mediaType(null)).isNull();
    assertThat(CloudEventValidator.isJson("application/vnd.x+json; v=1")).isTrue();
    assertThat(CloudEventValidator.isJson(" ")).isFalse();
    assertThat(CloudEventValidator.isText("Text/Plain;charset=utf-8")).isTrue();
    assertThat(CloudEventValidator.isText("")).isFalse();
  }

  @Test
  void uuids_are_36_characters_of_hex_digits_in_either_case_with_four_dashes_in_place() {
    assertThat(EventValidator.isUuid("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11")).isTrue();
    assertThat(EventValidator.isUuid("0192F0C4-6D1E-7B3A-9C55-2F1D8C0E4A11")).isTrue();
    assertThat(EventValidator.isUuid("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a1")).isFalse();
    assertThat(EventValidator.isUuid("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a111")).isFalse();
    assertThat(EventValidator.isUuid("0192f0c4-6d1e-7b3a-9c55x2f1d8c0e4a11")).isFalse();
    assertThat(EventValidator.isUuid("0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a1g")).isFalse();
    assertThat(EventValidator.isUuid("0192f0c4d6d1e-7b3a-9c55-2f1d8c0e4a1")).isFalse();
    assertThat(EventValidator.isUuid("０192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11")).isFalse(); // a full-width digit
  }
}
