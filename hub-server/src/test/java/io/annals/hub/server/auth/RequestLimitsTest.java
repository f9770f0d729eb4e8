package io.annals.hub.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {

  private static ObjectMapper parserFor(RequestLimits limits) {
    return new ObjectMapper(JsonFactory.builder().streamReadConstraints(limits.streamReadConstraints()).build());
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  @Test
  void the_defaults_accept_at_least_what_the_design_promises() {
    RequestLimits limits = RequestLimits.defaults();

    assertThat(limits.maxBodyBytes()).isGreaterThanOrEqualTo(10L * 1024 * 1024);
    assertThat(limits.maxEventsPerRequest()).isGreaterThanOrEqualTo(1_000);
    assertThat(limits.rate()).isEqualTo(Rate.defaults());
  }

  @Test
  void the_parser_accepts_the_maximum_nesting_depth_and_refuses_one_more() throws Exception {
    RequestLimits limits = RequestLimits.defaults();
    ObjectMapper json = parserFor(limits);

    assertThat(json.readTree(nested(limits.maxNestingDepth())).isArray()).isTrue();
    assertThatThrownBy(() -> json.readTree(nested(limits.maxNestingDepth() + 1)))
        .isInstanceOf(StreamConstraintsException.class)
        .hasMessageContaining("Document nesting depth");
  }

  @Test
  void a_batch_of_flat_events_fits_the_smallest_allowed_depth() throws Exception {
    RequestLimits limits = new RequestLimits(1024, 10, 512, 3, 100, Rate.defaults());

    assertThat(parserFor(limits).readTree("[{\"id\":\"x\",\"meta\":{\"service\":\"s\"},\"payload\":{}}]").size()).isEqualTo(1);
  }

  @Test
  void the_parser_refuses_a_string_longer_than_the_limit() throws Exception {
    RequestLimits limits = new RequestLimits(1024 * 1024, 10, 1024 * 1024, 10, 1000, Rate.defaults());
    ObjectMapper json = parserFor(limits);

    assertThat(json.readTree("{\"a\":\"" + "x".repeat(1000) + "\"}").get("a").asText()).hasSize(1000);
    assertThatThrownBy(() -> json.readTree("{\"a\":\"" + "x".repeat(1001) + "\"}"))
        .isInstanceOf(StreamConstraintsException.class)
        .hasMessageContaining("String value length");
  }

  @Test
  void the_parser_refuses_a_document_longer_than_the_body_limit_even_when_streamed() {
    RequestLimits limits = new RequestLimits(10_000, 10, 1000, 10, 100_000, Rate.defaults());
    byte[] body = ("[" + "1,".repeat(10_000) + "1]").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> parserFor(limits).readTree(new java.io.ByteArrayInputStream(body)))
        .isInstanceOf(StreamConstraintsException.class)
        .hasMessageContaining("Document length");
  }

  @Test
  void property_names_are_bounded_by_the_string_limit_too() {
    RequestLimits limits = new RequestLimits(1024 * 1024, 10, 1024 * 1024, 10, 100, Rate.defaults());

    assertThatThrownBy(() -> parserFor(limits).readTree("{\"" + "n".repeat(101) + "\":1}"))
        .isInstanceOf(StreamConstraintsException.class);
    assertThat(limits.streamReadConstraints().getMaxNameLength()).isEqualTo(100);
    assertThat(RequestLimits.defaults().streamReadConstraints().getMaxNameLength()).isEqualTo(10_000);
  }

  @Test
  void bounds_out_of_range_are_rejected_naming_the_bound() {
    assertThatThrownBy(() -> new RequestLimits(0, 10, 1, 10, 10, Rate.defaults())).hasMessageStartingWith("maxBodyBytes");
    assertThatThrownBy(() -> new RequestLimits(100, 0, 1, 10, 10, Rate.defaults())).hasMessageStartingWith("maxEventsPerRequest");
    assertThatThrownBy(() -> new RequestLimits(100, 10, 101, 10, 10, Rate.defaults()))
        .hasMessage("maxEventBytes must be between 1 and maxBodyBytes (100), was: 101");
    assertThatThrownBy(() -> new RequestLimits(100, 10, 100, 2, 10, Rate.defaults())).hasMessageStartingWith("maxNestingDepth");
    assertThatThrownBy(() -> new RequestLimits(100, 10, 100, 10, 0, Rate.defaults())).hasMessageStartingWith("maxStringLength");
  }

  @Test
  void with_rate_changes_only_the_rate() {
    RequestLimits limits = RequestLimits.defaults().withRate(new Rate(1, 2));

    assertThat(limits.rate()).isEqualTo(new Rate(1, 2));
    assertThat(limits.withRate(Rate.defaults())).isEqualTo(RequestLimits.defaults());
  }
}
