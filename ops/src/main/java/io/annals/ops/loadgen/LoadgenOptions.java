package io.annals.ops.loadgen;

import io.annals.hub.server.config.DurationText;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated options of {@code loadgen}. {@link #parse} names the bad flag and value and what
 * was expected; every other field has a sensible default.
 *
 * @param hubs base URLs of the hub instances, used round-robin
 * @param rate events per second, kept on an open-loop schedule
 * @param duration how long to send for
 * @param services how many producer services to simulate
 * @param apiKey sent as {@code Authorization: Bearer <key>} when present
 * @param seed makes the traffic repeatable
 * @param maxInFlight requests awaiting an answer before the schedule waits (a safety valve)
 * @param timeout for one request
 */
record LoadgenOptions(
    List<URI> hubs,
    int rate,
    Duration duration,
    int services,
    Optional<String> apiKey,
    long seed,
    int maxInFlight,
    Duration timeout) {

  static final String USAGE = String.join("\n",
      "usage: loadgen --hub URL[,URL...] --rate N --duration D --services K [options]",
      "  --hub URL[,URL...]   hub base URL(s), e.g. http://localhost:8080; several are used round-robin",
      "  --rate N             events per second (1..100000)",
      "  --duration D         how long to send, e.g. 30s, 5m, 1h, 500ms or PT30S (a unit is required)",
      "  --services K         producer services to simulate (1..1000)",
      "  --api-key KEY        sent as 'Authorization: Bearer KEY'; or set ANNALS_API_KEY, which keeps it",
      "                       out of the process list",
      "  --seed N             random seed, for repeatable traffic (default 1)",
      "  --max-in-flight N    requests awaiting an answer before sending waits (default 512)",
      "  --timeout D          per-request timeout (default 30s)");


  LoadgenOptions {
    hubs = List.copyOf(hubs);
    if (hubs.isEmpty()) {
      throw new IllegalArgumentException("--hub required, e.g. --hub http://localhost:8080");
    }
    require(rate >= 1 && rate <= 100_000, "--rate", rate, "an integer 1..100000 (events per second)");
    require(!duration.isNegative() && !duration.isZero(), "--duration", duration, "a positive duration");
    require(services >= 1 && services <= 1000, "--services", services, "an integer 1..1000");
    require(maxInFlight >= 1, "--max-in-flight", maxInFlight, "a positive integer");
    require(!timeout.isNegative() && !timeout.isZero(), "--timeout", timeout, "a positive duration");
  }

  /**
   * Parses command-line arguments; throws {@link IllegalArgumentException} naming the bad one.
   * {@code env} supplies {@code ANNALS_API_KEY} when {@code --api-key} is absent, as for {@code send}.
   */
  static LoadgenOptions parse(String[] args, Map<String, String> env) {
    List<URI> hubs = new ArrayList<>();
    Integer rate = null;
    Duration duration = null;
    Integer services = null;
    String apiKey = env.get("ANNALS_API_KEY");
    long seed = 1;
    int maxInFlight = 512;
    Duration timeout = Duration.ofSeconds(30);
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
      }
      String value = args[++i];
      switch (flag) {
        case "--hub" -> {
          for (String url : value.split(",")) {
            hubs.add(hubUrl(url.trim()));
          }
        }
        case "--rate" -> rate = integer(flag, value);
        case "--duration" -> duration = duration(flag, value);
        case "--services" -> services = integer(flag, value);
        case "--api-key" -> apiKey = value;
        case "--seed" -> seed = longValue(flag, value);
        case "--max-in-flight" -> maxInFlight = integer(flag, value);
        case "--timeout" -> timeout = duration(flag, value);
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
      }
    }
    if (rate == null || duration == null || services == null || hubs.isEmpty()) {
      throw new IllegalArgumentException("--hub, --rate, --duration and --services are required\n" + USAGE);
    }
    Optional<String> key = Optional.ofNullable(apiKey).filter(k -> !k.isBlank());
    return new LoadgenOptions(hubs, rate, duration, services, key, seed, maxInFlight, timeout);
  }

  /** {@code value} in the hub's one duration grammar ({@link DurationText}), its flag named when refused. */
  static Duration duration(String flag, String value) {
    try {
      return DurationText.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " = \"" + value + "\": " + e.getMessage() + "; expected " + DurationText.EXPECTED);
    }
  }

  private static URI hubUrl(String value) {
    try {
      URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
      if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("not http(s) with a host");
      }
      return uri;
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "--hub = \"" + value + "\": expected an http(s) base URL such as http://localhost:8080");
    }
  }

  private static int integer(String flag, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " = \"" + value + "\": expected an integer");
    }
  }

  private static long longValue(String flag, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " = \"" + value + "\": expected an integer");
    }
  }

  private static void require(boolean ok, String flag, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(flag + " = " + value + ": expected " + expected);
    }
  }
}
