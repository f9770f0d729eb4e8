package io.annals.hub.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The validator's fast path for created_at agrees with the ISO-8601 parser wherever it answers. */
class ZuluTimeTest {

  @Test
  void utc_times_with_zero_to_nine_fraction_digits_read_as_the_iso_parser_reads_them() {
    SplittableRandom random = new SplittableRandom(7);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
      String text = t.toString().substring(0, 19);
      int digits = random.nextInt(10);
      if (digits > 0) {
        text += "." + String.format("%09d", t.getNano()).substring(0, digits);
      }
      text += "Z";
      assertThat(EventValidator.zulu(text)).as(text)
          .isEqualTo(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }
  }

  @Test
  void anything_else_is_left_to_the_iso_parser() {
    for (String text : List.of("2026-01-01T12:00:00+01:00", "2026-01-01T12:00Z", "2026-01-01t12:00:00Z",
        "2026-01-01T12:00:00z", "2026-02-30T12:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T12:00:60Z",
        "2026-01-01T12:00:00.Z", "2026-01-01T12:00:00.1234567890Z", "2026-01-01T12:00:00.12a4Z",
        "+2026-01-01T12:00:00Z", "2026-1-01T12:00:00.000Z", "２026-01-01T12:00:00Z", "")) {
      assertThat(EventValidator.zulu(text)).as(text).isNull();
    }
  }
}
