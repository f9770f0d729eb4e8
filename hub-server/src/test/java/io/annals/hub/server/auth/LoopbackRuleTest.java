package io.annals.hub.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackRuleTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1",
      "::1%lo", "::ffff:127.0.0.1", " 127.0.0.1 "})
  void loopback_addresses_are_recognised(String bind) {
    assertThat(LoopbackRule.isLoopback(bind)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "::", "[::]", "10.0.0.1", "192.168.1.20", "128.0.0.1", "::2", "hub.example.com",
      "localhost.example.com", "127.0.0.256", "0127.0.0.1", "127.0.0.01", "::ffff:10.0.0.1", "", "::1::1"})
  void every_other_address_or_name_counts_as_reachable_from_outside(String bind) {
    assertThat(LoopbackRule.isLoopback(bind)).isFalse();
  }

  @Nested
  class With_a_keys_file {

    @Test
    void start_up_is_allowed_anywhere_with_authentication_on_and_nothing_to_warn_about() {
      assertThat(LoopbackRule.decide("0.0.0.0", true, false)).isEqualTo(new LoopbackRule.Verdict(true, true, null));
    }

    @Test
    void the_opt_in_is_ignored_and_the_log_says_so() {
      LoopbackRule.Verdict verdict = LoopbackRule.decide("0.0.0.0", true, true);

      assertThat(verdict.allowed()).isTrue();
      assertThat(verdict.authenticationOn()).isTrue();
      assertThat(verdict.line()).startsWith("WARNING: HUB_ALLOW_UNAUTHENTICATED / --allow-unauthenticated is ignored");
    }
  }

  @Nested
  class Without_a_keys_file {

    @Test
    void on_loopback_start_up_is_allowed_with_a_loud_warning() {
      LoopbackRule.Verdict verdict = LoopbackRule.decide("127.0.0.1", false, false);

      assertThat(verdict.allowed()).isTrue();
      assertThat(verdict.authenticationOn()).isFalse();
      assertThat(verdict.line()).startsWith("WARNING: AUTHENTICATION IS OFF").contains("(127.0.0.1)")
          .contains("annals-ops keygen").doesNotContain("\n");
    }

    @Test
    void beyond_loopback_start_up_is_refused_naming_the_bind_and_the_three_ways_out() {
      LoopbackRule.Verdict verdict = LoopbackRule.decide("0.0.0.0", false, false);

      assertThat(verdict.allowed()).isFalse();
      assertThat(verdict.line())
          .startsWith("refusing to start: HUB_BIND / --bind = \"0.0.0.0\" is not a loopback address")
          .contains("HUB_API_KEYS_FILE", "127.0.0.1", "HUB_ALLOW_UNAUTHENTICATED=true / --allow-unauthenticated")
          .doesNotContain("\n");
    }

    @Test
    void a_host_name_is_not_resolved_and_so_needs_keys_or_the_opt_in() {
      assertThat(LoopbackRule.decide("my-laptop", false, false).allowed()).isFalse();
    }

    @Test
    void beyond_loopback_the_explicit_opt_in_allows_start_up_with_a_louder_warning() {
      LoopbackRule.Verdict verdict = LoopbackRule.decide("0.0.0.0", false, true);

      assertThat(verdict.allowed()).isTrue();
      assertThat(verdict.authenticationOn()).isFalse();
      assertThat(verdict.line()).startsWith("WARNING: AUTHENTICATION IS OFF ON A NETWORK ADDRESS").contains("0.0.0.0");
    }
  }
}
