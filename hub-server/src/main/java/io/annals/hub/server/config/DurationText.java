package io.annals.hub.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar for durations written by people, in the hub's settings ({@code HUB_FEED_LAG})
 * and the ops CLI's flags ({@code loadgen --duration}): a whole number of 1 to 9 digits and a unit,
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} (case-insensitive, no space: {@code 500ms},
 * {@code 30s}, {@code 7d}), or ISO-8601 as {@link Duration#parse} reads it ({@code PT30S}). A bare
 * number is refused: seconds to one reader, milliseconds to another. Never negative.
 */
public final class DurationText {

  /** What a duration looks like, for messages that refuse one. */
  public static final String EXPECTED = "a duration such as 500ms, 30s, 5m, 1h, 7d or ISO-8601 PT30S";

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private DurationText() {}

  /**
   * The duration {@code text} names.
   *
   * @throws IllegalArgumentException "not a duration" or "negative"
   */
  public static Duration parse(String text) {
    String trimmed = text.trim();
    Matcher m = SHORT.matcher(trimmed.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    Duration iso;
    try {
      iso = Duration.parse(trimmed);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a duration");
    }
    if (iso.isNegative()) {
      throw new IllegalArgumentException("negative");
    }
    return iso;
  }
}
