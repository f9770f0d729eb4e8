package io.annals.hub.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void a_number_with_a_unit_reads_in_that_unit_whatever_its_case() {
    assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse("5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DurationText.parse(" 2h ")).isEqualTo(Duration.ofHours(2));
    assertThat(DurationText.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(DurationText.parse("0s")).isEqualTo(Duration.ZERO);
  }

  @Test
  void iso_8601_reads_as_duration_parse_reads_it() {
    assertThat(DurationText.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse("P1DT1H")).isEqualTo(Duration.ofHours(25));
  }

  @Test
  void a_bare_number_a_spaced_unit_and_ten_digits_are_not_durations() {
    for (String text : new String[] {"30", "5 sec", "5 s", "1234567890s", "soon", "", "-1s"}) {
      assertThatThrownBy(() -> DurationText.parse(text)).as(text)
          .isInstanceOf(IllegalArgumentException.class).hasMessage("not a duration");
    }
  }

  @Test
  void a_negative_iso_duration_is_refused_as_negative() {
    assertThatThrownBy(() -> DurationText.parse("PT-1S")).isInstanceOf(IllegalArgumentException.class).hasMessage("negative");
  }
}
