package io.annals.ops.send;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The options of {@code send}, checked; {@link #parse} returns null for {@code --help}. */
record SendOptions(String hub, String apiKey, String service, Path spool, boolean noWait, Duration timeout) {

  static final String USAGE = "usage: send --hub URL [--api-key KEY] --service NAME --spool DIR [--no-wait]"
      + " [--timeout SECONDS] < events.ndjson\n"
      + "  the key may also come from ANNALS_API_KEY (kept out of the process list);"
      + " --timeout bounds the wait for delivery (default 600)";

  static SendOptions parse(String[] args, Map<String, String> env) {
    String hub = null;
    String apiKey = env.get("ANNALS_API_KEY");
    String service = null;
    Path spool = null;
    boolean noWait = false;
    Duration timeout = Duration.ofSeconds(600);
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      switch (option) {
        case "--help", "-h" -> {
          return null;
        }
        case "--no-wait" -> noWait = true;
        case "--hub" -> hub = value(args, ++i, option);
        case "--api-key" -> apiKey = value(args, ++i, option);
        case "--service" -> service = value(args, ++i, option);
        case "--spool" -> spool = Path.of(value(args, ++i, option));
        case "--timeout" -> timeout = seconds(value(args, ++i, option));
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    require(hub, "--hub URL");
    require(service, "--service NAME");
    require(spool, "--spool DIR");
    return new SendOptions(hub, apiKey == null || apiKey.isBlank() ? null : apiKey, service, spool, noWait, timeout);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static Duration seconds(String value) {
    try {
      long seconds = Long.parseLong(value);
      if (seconds > 0) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new IllegalArgumentException("--timeout must be a positive number of seconds, was: " + value);
  }

  private static void require(Object value, String option) {
    if (value == null) {
      throw new IllegalArgumentException(option + " is required");
    }
  }
}
