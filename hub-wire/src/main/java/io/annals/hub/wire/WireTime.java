package io.annals.hub.wire;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The hub's time format, written and read in one place: ISO-8601 UTC with exactly six fractional
 * digits, {@code uuuu-MM-ddTHH:mm:ss.SSSSSSZ} (27 characters; fixed width, so its text sorts like
 * its time). Written and read digit by digit: every event of a feed page has two times, and
 * {@code DateTimeFormatter} and {@link Instant#parse} take about a microsecond each, several times
 * as long. Digits below a microsecond are dropped when writing.
 *
 * <p>Reading has two grammars. {@link #read} takes the canonical form only, as bytes, for the
 * SDK's page reader, and answers null for anything else so that the caller can fall back. {@link
 * #parseUtc} takes {@code uuuu-MM-ddTHH:mm:ss[.f]Z} with 1 to 9 fractional digits, the form
 * producers send, for ingestion and the SDK's tokenizer.
 */
public final class WireTime {

  /** Characters in a canonical time. */
  public static final int LENGTH = 27;

  private static final int SECONDS_PER_DAY = 86_400;
  /** Years outside 0000..9999 (never stored: ingestion refuses them) are written the long way. */
  private static final DateTimeFormatter WIDE_YEARS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private WireTime() {}

  /** {@code t} in the canonical form, {@code uuuu-MM-ddTHH:mm:ss.SSSSSSZ} in UTC, truncated to the microsecond. */
  public static String format(Instant t) {
    byte[] text = new byte[LENGTH];
    return write(t, text, 0) ? new String(text, StandardCharsets.ISO_8859_1) : WIDE_YEARS.format(t);
  }

  /**
   * Writes {@code t}'s {@value #LENGTH} canonical bytes into {@code into} at {@code at}; false,
   * writing nothing, when its year lies outside 0000..9999 (use {@link #format} then).
   */
  public static boolean write(Instant t, byte[] into, int at) {
    long seconds = t.getEpochSecond();
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    if (!writeDate(day, into, at)) {
      return false;
    }
    writeTimeOfDay((int) (seconds - day * SECONDS_PER_DAY), t.getNano() / 1000, into, at + 10);
    return true;
  }

  /**
   * Writes the 10 bytes {@code uuuu-MM-dd} of {@code epochDay} at {@code at}; false, writing
   * nothing, when its year lies outside 0000..9999. Split from {@link #write} so that a writer can
   * keep the date of the last time it wrote (a page's times mostly share their day).
   */
  public static boolean writeDate(long epochDay, byte[] into, int at) {
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    if (date.getYear() < 0 || date.getYear() > 9999) {
      return false;
    }
    digits(into, at, date.getYear(), 4);
    into[at + 4] = '-';
    digits(into, at + 5, date.getMonthValue(), 2);
    into[at + 7] = '-';
    digits(into, at + 8, date.getDayOfMonth(), 2);
    return true;
  }

  /** Writes the 17 bytes {@code THH:mm:ss.SSSSSSZ} that follow the date at {@code at}. */
  public static void writeTimeOfDay(int secondOfDay, int micros, byte[] into, int at) {
    into[at] = 'T';
    digits(into, at + 1, secondOfDay / 3_600, 2);
    into[at + 3] = ':';
    digits(into, at + 4, secondOfDay / 60 % 60, 2);
    into[at + 6] = ':';
    digits(into, at + 7, secondOfDay % 60, 2);
    into[at + 9] = '.';
    digits(into, at + 10, micros, 6);
    into[at + 16] = 'Z';
  }

  /**
   * The canonical time in {@code text[at, at + 27)} (unquoted), or null when it is not exactly
   * that, with plain digits and a real date and time of day (no leap second).
   */
  public static Instant read(byte[] text, int at) {
    if (at < 0 || at + LENGTH > text.length || text[at + 4] != '-' || text[at + 7] != '-') {
      return null;
    }
    int year = digits(text, at, 4);
    int month = digits(text, at + 5, 2);
    int day = digits(text, at + 8, 2);
    if (!realDate(year, month, day)) {
      return null;
    }
    return readTimeOfDay(text, at, LocalDate.of(year, month, day).toEpochDay());
  }

  /**
   * The canonical time in {@code text[at, at + 27)} taken to fall on {@code epochDay}: only its
   * time of day is read (for a reader that has seen the same date bytes just before); null when
   * the time of day is not canonical.
   */
  public static Instant readTimeOfDay(byte[] text, int at, long epochDay) {
    if (at < 0 || at + LENGTH > text.length || text[at + 10] != 'T' || text[at + 13] != ':'
        || text[at + 16] != ':' || text[at + 19] != '.' || text[at + 26] != 'Z') {
      return null;
    }
    int hour = digits(text, at + 11, 2);
    int minute = digits(text, at + 14, 2);
    int second = digits(text, at + 17, 2);
    int micros = digits(text, at + 20, 6);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || micros < 0) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second, micros * 1_000L);
  }

  /**
   * {@code uuuu-MM-ddTHH:mm:ss[.f]Z} with 1 to 9 fractional digits, or null for anything else
   * (another offset, another width, an impossible date or time): the caller then asks the JDK,
   * which knows every ISO-8601 form, or refuses the text.
   */
  public static Instant parseUtc(CharSequence text) {
    int n = text.length();
    if (n < 20 || n > 30 || n == 21 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
        || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
        || (n > 20 && text.charAt(19) != '.')) {
      return null;
    }
    int nanos = 0;
    for (int i = 20; i < 29; i++) {
      int digit = i < n - 1 ? digit(text.charAt(i)) : 0;
      if (digit < 0) {
        return null;
      }
      nanos = nanos * 10 + digit;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (!realDate(year, month, day) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second, nanos);
  }

  /**
   * Any ISO-8601 instant: {@link #parseUtc}'s form digit by digit, others through {@link Instant#parse}.
   *
   * @throws DateTimeException when {@code text} is not an ISO-8601 instant
   */
  public static Instant parse(CharSequence text) {
    Instant fast = parseUtc(text);
    return fast != null ? fast : Instant.parse(text);
  }

  private static boolean realDate(int year, int month, int day) {
    return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= Month.of(month).length(Year.isLeap(year));
  }

  private static void digits(byte[] into, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      into[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /** The decimal number in {@code text[at, at + width)}, or -1 when a byte is not a digit. */
  private static int digits(byte[] text, int at, int width) {
    int value = 0;
    for (int i = at; i < at + width; i++) {
      byte c = text[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static int digits(CharSequence text, int at, int width) {
    int value = 0;
    for (int i = at; i < at + width; i++) {
      int digit = digit(text.charAt(i));
      if (digit < 0) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static int digit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : -1;
  }
}
