package io.annals.hub.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireTimeTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final long MIN = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
  private static final long MAX = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  @Test
  void format_writes_what_the_reference_formatter_writes_truncated_to_the_microsecond() {
    assertThat(WireTime.format(Instant.parse("2026-01-01T12:00:00.123456789Z"))).isEqualTo("2026-01-01T12:00:00.123456Z");
    assertThat(WireTime.format(Instant.parse("0001-01-01T00:00:00Z"))).isEqualTo("0001-01-01T00:00:00.000000Z");
    assertThat(WireTime.format(Instant.parse("1969-12-31T23:59:59.000001Z"))).isEqualTo("1969-12-31T23:59:59.000001Z");
    assertThat(WireTime.format(Instant.parse("9999-12-31T23:59:59.999999999Z"))).isEqualTo("9999-12-31T23:59:59.999999Z");
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 50_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(MIN, MAX + 1), random.nextInt(1_000_000_000));
      assertThat(WireTime.format(t)).as("%s", t).isEqualTo(REFERENCE.format(t));
    }
  }

  @Test
  void years_beyond_9999_are_written_the_long_way_and_write_refuses_them() {
    Instant far = Instant.parse("+10000-01-01T00:00:00Z");
    byte[] into = new byte[WireTime.LENGTH];

    assertThat(WireTime.format(far)).isEqualTo(REFERENCE.format(far));
    assertThat(WireTime.write(far, into, 0)).isFalse();
    assertThat(into).containsOnly(0);
  }

  @Test
  void read_gives_back_what_write_wrote_at_any_offset() {
    SplittableRandom random = new SplittableRandom(2);
    byte[] text = new byte[3 + WireTime.LENGTH];
    for (int i = 0; i < 50_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(MIN, MAX + 1), random.nextInt(1_000_000) * 1_000L);
      assertThat(WireTime.write(t, text, 3)).isTrue();
      assertThat(WireTime.read(text, 3)).as("%s", t).isEqualTo(t);
      long day = Math.floorDiv(t.getEpochSecond(), 86_400);
      assertThat(WireTime.readTimeOfDay(text, 3, day)).isEqualTo(t);
    }
  }

  @Test
  void read_answers_null_for_anything_but_the_canonical_form() {
    for (String text : new String[] {
        "2026-02-30T12:00:00.000000Z", // no such day
        "2026-13-01T12:00:00.000000Z", // no such month
        "2026-01-01T24:00:00.000000Z", // no such hour
        "2026-01-01T12:00:60.000000Z", // a leap second
        "2026-01-01T12:00:00.00000xZ", // not a digit
        "2026-01-01 12:00:00.000000Z", // another separator
        "2026-01-01T12:00:00.000000+", // another offset
        "+026-01-01T12:00:00.000000Z"}) {
      assertThat(WireTime.read(text.getBytes(StandardCharsets.US_ASCII), 0)).as(text).isNull();
    }
    assertThat(WireTime.read("2026-01-01T12:00:00.00000Z".getBytes(StandardCharsets.US_ASCII), 0)).as("truncated").isNull();
  }

  @Test
  void parse_utc_reads_one_to_nine_fractional_digits_as_instant_parse_does() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 50_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(MIN, MAX + 1), random.nextInt(1_000_000_000));
      int digits = random.nextInt(10);
      String fraction = digits == 0 ? "" : "." + String.format("%09d", t.getNano()).substring(0, digits);
      String text = REFERENCE.format(t).substring(0, 19) + fraction + "Z";
      assertThat(WireTime.parseUtc(text)).as(text).isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void parse_utc_answers_null_for_other_offsets_widths_and_impossible_dates() {
    assertThat(WireTime.parseUtc("2026-01-01T13:00:00+01:00")).isNull();
    assertThat(WireTime.parseUtc("2026-01-01T12:00:00.Z")).isNull();
    assertThat(WireTime.parseUtc("2026-01-01T12:00:00.1234567890Z")).isNull();
    assertThat(WireTime.parseUtc("2026-02-29T12:00:00Z")).isNull();
    assertThat(WireTime.parseUtc("2024-02-29T12:00:00Z")).isEqualTo(Instant.parse("2024-02-29T12:00:00Z"));
  }

  @Test
  void parse_takes_other_iso_instants_through_instant_parse_and_fails_as_it_does() {
    assertThat(WireTime.parse("2026-01-01T13:00:00+01:00")).isEqualTo(Instant.parse("2026-01-01T12:00:00Z"));
    assertThatThrownBy(() -> WireTime.parse("2026-02-30T12:00:00.000000Z")).isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> WireTime.parse("2026-01-01T12:00:00.00000xZ")).isInstanceOf(DateTimeParseException.class);
  }
}
