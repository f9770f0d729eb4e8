package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventJsonTimeTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void times_print_as_the_fixed_width_utc_pattern_with_six_fractional_digits() {
    assertThat(EventJson.time(Instant.parse("2026-01-01T12:00:00.123456789Z"))).isEqualTo("2026-01-01T12:00:00.123456Z");
    assertThat(EventJson.time(Instant.parse("0001-01-01T00:00:00Z"))).isEqualTo("0001-01-01T00:00:00.000000Z");
    assertThat(EventJson.time(Instant.parse("9999-12-31T23:59:59.999999999Z"))).isEqualTo("9999-12-31T23:59:59.999999Z");
    assertThat(EventJson.time(Instant.parse("1969-12-31T23:59:59.000001Z"))).isEqualTo("1969-12-31T23:59:59.000001Z");
  }

  @Test
  void any_time_from_year_1_to_9999_prints_as_the_date_time_formatter_does() {
    SplittableRandom random = new SplittableRandom(2026);
    long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
      assertThat(EventJson.time(t)).as("%s", t).isEqualTo(REFERENCE.format(t));
    }
  }

  @Test
  void a_time_beyond_four_digit_years_still_prints_as_the_formatter_does() {
    Instant far = Instant.parse("+10000-01-01T00:00:00Z");
    assertThat(EventJson.time(far)).isEqualTo(REFERENCE.format(far));
  }
}
