package io.annals.hub.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FeedWireTest {

  @Test
  void the_canonical_runs_spell_a_page_in_the_documented_member_order() {
    String page = FeedWire.PAGE_START + FeedWire.ENVELOPE_ID.toString() + "\"e\"" + FeedWire.ENVELOPE_SERVICE + "\"s\""
        + FeedWire.ENVELOPE_TYPE + "\"t\"" + FeedWire.ENVELOPE_CREATED_AT + "\"c\"" + FeedWire.ENVELOPE_AGGREGATE_ID + "\"a\""
        + FeedWire.ENVELOPE_CORRELATION_ID + "\"k\"" + FeedWire.ENVELOPE_RECEIVED_AT + "\"r\"" + FeedWire.ENVELOPE_PAYLOAD + "{}}"
        + FeedWire.PAGE_NEXT + FeedWire.NULL + FeedWire.PAGE_STABLE_UNTIL + "\"u\"}";

    assertThat(page).isEqualTo("{\"events\":[{\"id\":\"e\",\"meta\":{\"service\":\"s\",\"type\":\"t\",\"created_at\":\"c\","
        + "\"aggregate_id\":\"a\",\"correlation_id\":\"k\",\"received_at\":\"r\"},\"payload\":{}}],\"next\":null,"
        + "\"stable_until\":\"u\"}");
  }

  @Test
  void a_run_matches_only_its_own_bytes_and_never_past_the_end() {
    byte[] text = "x{\"id\":".getBytes(StandardCharsets.US_ASCII);

    assertThat(FeedWire.ENVELOPE_ID.matches(text, 1)).isTrue();
    assertThat(FeedWire.ENVELOPE_ID.matches(text, 0)).isFalse();
    assertThat(FeedWire.ENVELOPE_ID.matches(text, 2)).as("runs past the end").isFalse();
    assertThat(FeedWire.ENVELOPE_ID.matches(text, -1)).isFalse();
  }

  @Test
  void a_run_copies_its_bytes_and_returns_where_they_end() {
    byte[] out = new byte[10];

    int end = FeedWire.NULL.copyTo(out, 2);

    assertThat(end).isEqualTo(6);
    assertThat(new String(out, 2, 4, StandardCharsets.US_ASCII)).isEqualTo("null");
  }

  @Test
  void a_run_must_be_ascii() {
    assertThatThrownBy(() -> ByteRun.of("\"zürich\"")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ASCII");
  }
}
