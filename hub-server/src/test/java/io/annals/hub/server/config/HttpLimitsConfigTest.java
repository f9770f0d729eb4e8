package io.annals.hub.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HUB_BODY_BUDGET and HUB_HEADER_TIMEOUT. */
class HttpLimitsConfigTest {

  @Test
  void by_default_the_budget_comes_from_the_heap_and_headers_have_20_seconds() {
    HubConfig c = HubConfig.load(Map.of(), new String[0]);

    assertThat(c.http().bodyBudgetBytes()).isZero();
    assertThat(c.http().headerTimeout()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void both_are_read_from_variables_and_flags() {
    HubConfig c = HubConfig.load(Map.of("HUB_BODY_BUDGET", "2GiB"), new String[] {"--header-timeout", "5s"});

    assertThat(c.http().bodyBudgetBytes()).isEqualTo(2L << 30);
    assertThat(c.http().headerTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void a_budget_smaller_than_the_body_limit_is_refused_naming_both() {
    assertThatThrownBy(() -> HubConfig.load(Map.of("HUB_BODY_BUDGET", "1MiB", "HUB_MAX_BODY_BYTES", "2MiB"),
        new String[0]))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HUB_BODY_BUDGET").hasMessageContaining("smaller than HUB_MAX_BODY_BYTES (2097152 bytes)");
  }

  @Test
  void a_header_timeout_of_zero_is_refused() {
    assertThatThrownBy(() -> HubConfig.load(Map.of("HUB_HEADER_TIMEOUT", "0s"), new String[0]))
        .isInstanceOf(ConfigException.class).hasMessageContaining("HUB_HEADER_TIMEOUT").hasMessageContaining("more than zero");
  }
}
