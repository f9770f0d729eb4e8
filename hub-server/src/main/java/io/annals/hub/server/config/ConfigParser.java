package io.annals.hub.server.config;

import com.mongodb.ConnectionString;
import io.annals.hub.server.auth.Rate;
import io.annals.hub.server.feed.LiveFeedSettings;
import io.annals.hub.server.ingest.IngestLimits;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns environment variables and {@code --flags} into a {@link HubConfig}, or one clear error. */
final class ConfigParser {

  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})(b|kib|mib|gib)?");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]%]{1,253}");
  private static final long MAX_BODY = 1L << 30; // bodies are buffered whole, so keep them well under 2 GiB
  private static final long MAX_BUDGET = 1L << 40; // a share of a heap: far above any heap in use
  private static final Duration MIN_FEED_LAG = Duration.ofMillis(100);

  private final Map<String, String> env;
  private final String[] args;
  private final Map<Setting, String> values = new EnumMap<>(Setting.class);
  private final Set<Setting> given = EnumSet.noneOf(Setting.class);

  ConfigParser(Map<String, String> env, String[] args) {
    this.env = env;
    this.args = args;
  }

  HubConfig parse() {
    for (Setting s : Setting.values()) {
      String v = env.get(s.env());
      values.put(s, v != null ? v : s.defaultValue());
      if (v != null) {
        given.add(s);
      }
    }
    readFlags();
    StoreKind store = store();
    String mongoUri = value(Setting.MONGODB_URI);
    if (store == StoreKind.MONGODB || mongoUri != null) {
      mongoUri = mongoUri(store);
    }
    int maxBatch = intIn(Setting.MAX_BATCH_EVENTS, 1, 1_000_000);
    int queue = intIn(Setting.INGEST_QUEUE_EVENTS, 1, 10_000_000);
    if (queue < maxBatch) {
      throw Setting.INGEST_QUEUE_EVENTS.wrong(value(Setting.INGEST_QUEUE_EVENTS),
          "smaller than HUB_MAX_BATCH_EVENTS (" + maxBatch + ")");
    }
    Duration feedLag = duration(Setting.FEED_LAG);
    if (feedLag.compareTo(MIN_FEED_LAG) < 0) {
      throw Setting.FEED_LAG.wrong(value(Setting.FEED_LAG), "must be at least 100ms (instances publish their watermarks "
          + "several times per lag)");
    }
    Duration timeout = duration(Setting.INGEST_TIMEOUT);
    if (timeout.isZero()) {
      throw Setting.INGEST_TIMEOUT.wrong(value(Setting.INGEST_TIMEOUT), "must be more than zero");
    }
    IngestLimits limits = new IngestLimits(size(Setting.MAX_BODY_BYTES), maxBatch,
        duration(Setting.MAX_CLOCK_SKEW), queue, intIn(Setting.COMMIT_MAX_EVENTS, 1, 1_000_000), timeout);
    Path keysFile = optionalPath(Setting.API_KEYS_FILE);
    onOff(Setting.LEDGER); // read apart (ledger()), checked here so that a bad value stops start-up like the others
    startupCheck(); // read apart too: a setting of the embedded store's opening only
    liveFeed(feedLag); // read apart (liveFeed()), checked here likewise
    return new HubConfig(
        intIn(Setting.PORT, 0, 65_535),
        bind(),
        store,
        dataDir(store),
        mongoUri,
        mongoDatabase(),
        feedLag,
        keysFile,
        limits,
        bool(Setting.ALLOW_UNAUTHENTICATED),
        maxEventBytes(limits.maxBodyBytes()),
        intIn(Setting.MAX_JSON_DEPTH, 3, 1_000),
        intIn(Setting.MAX_STRING_LENGTH, 1, 1_000_000_000),
        rate(keysFile != null),
        httpLimits(limits.maxBodyBytes()));
  }

  private HttpLimits httpLimits(long maxBodyBytes) {
    long budget = 0;
    if (value(Setting.BODY_BUDGET) != null) {
      budget = size(Setting.BODY_BUDGET, MAX_BUDGET);
      if (budget < maxBodyBytes) {
        throw Setting.BODY_BUDGET.wrong(value(Setting.BODY_BUDGET), "smaller than HUB_MAX_BODY_BYTES (" + maxBodyBytes
            + " bytes): a body of the largest size could never be read");
      }
    }
    Duration headerTimeout = duration(Setting.HEADER_TIMEOUT);
    if (headerTimeout.isZero()) {
      throw Setting.HEADER_TIMEOUT.wrong(value(Setting.HEADER_TIMEOUT), "must be more than zero");
    }
    return new HttpLimits(budget, headerTimeout);
  }

  /** HUB_LEDGER / --ledger and HUB_LEDGER_KEY_FILE / --ledger-key-file: read apart from {@link HubConfig}, which the ledger leaves as it is. */
  LedgerSettings ledger() {
    readApart();
    values.putIfAbsent(Setting.LEDGER, Setting.LEDGER.defaultValue());
    return new LedgerSettings(onOff(Setting.LEDGER), optionalPath(Setting.LEDGER_KEY_FILE));
  }

  /** HUB_STARTUP_CHECK / --startup-check: whether the embedded store checks its file before the hub listens. */
  boolean startupCheck() {
    readApart();
    values.putIfAbsent(Setting.STARTUP_CHECK, Setting.STARTUP_CHECK.defaultValue());
    return either(Setting.STARTUP_CHECK, "quick", "off");
  }

  /** The live feed's settings (HUB_FEED_HEARTBEAT, HUB_FEED_MAX_WAITERS[_PER_KEY], HUB_FEED_STREAM_KEEPALIVE), read apart. */
  LiveFeedSettings liveFeed() {
    readApart();
    for (Setting s : new Setting[] {Setting.FEED_LAG, Setting.FEED_MAX_WAITERS, Setting.FEED_MAX_WAITERS_PER_KEY,
        Setting.FEED_STREAM_KEEPALIVE}) {
      values.putIfAbsent(s, s.defaultValue());
    }
    return liveFeed(duration(Setting.FEED_LAG));
  }

  private LiveFeedSettings liveFeed(Duration feedLag) {
    Duration heartbeat = null;
    if (value(Setting.FEED_HEARTBEAT) != null) {
      heartbeat = duration(Setting.FEED_HEARTBEAT);
      if (heartbeat.isZero() || heartbeat.multipliedBy(2).compareTo(feedLag) > 0) {
        throw Setting.FEED_HEARTBEAT.wrong(value(Setting.FEED_HEARTBEAT), "must be more than zero and at most half"
            + " HUB_FEED_LAG (" + feedLag.toMillis() + "ms), or live instances would look silent");
      }
    }
    Duration keepAlive = duration(Setting.FEED_STREAM_KEEPALIVE);
    if (keepAlive.isZero()) {
      throw Setting.FEED_STREAM_KEEPALIVE.wrong(value(Setting.FEED_STREAM_KEEPALIVE), "must be more than zero");
    }
    LiveFeedSettings d = LiveFeedSettings.defaults();
    return new LiveFeedSettings(heartbeat, intIn(Setting.FEED_MAX_WAITERS, 1, 1_000_000),
        intIn(Setting.FEED_MAX_WAITERS_PER_KEY, 1, 1_000_000), keepAlive, d.minCheckSpacing(), d.workers());
  }

  private void readApart() {
    for (Setting s : Setting.values()) {
      String v = env.get(s.env());
      if (v != null) {
        values.put(s, v);
      }
    }
    readFlags();
  }

  private boolean onOff(Setting s) {
    return either(s, "on", "off");
  }

  private void readFlags() {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String v = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        v = arg.substring(eq + 1);
      }
      Setting s = byFlag(name);
      if (v == null && s.isSwitch()) {
        // A bare switch means true; "--switch false" is read as a value, "--switch --other" is not.
        boolean valueFollows = i + 1 < args.length
            && (args[i + 1].equalsIgnoreCase("true") || args[i + 1].equalsIgnoreCase("false"));
        v = valueFollows ? args[++i] : "true";
      }
      if (v == null) {
        if (i + 1 >= args.length) {
          throw new ConfigException("invalid configuration: " + name + " needs a value; expected " + s.expected());
        }
        v = args[++i];
      }
      values.put(s, v);
      given.add(s);
    }
  }

  private static Setting byFlag(String flag) {
    for (Setting s : Setting.values()) {
      if (s.flag().equals(flag)) {
        return s;
      }
    }
    throw new ConfigException("invalid configuration: unknown argument \"" + flag
        + "\"; expected --name value or --name=value with a name from --help");
  }

  private String value(Setting s) {
    String v = values.get(s);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private String required(Setting s) {
    String v = value(s);
    if (v == null) {
      throw s.wrong(String.valueOf(values.get(s)), "empty");
    }
    return v;
  }

  private int intIn(Setting s, int min, int max) {
    String v = required(s);
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
      throw s.wrong(v, "out of range " + min + ".." + max);
    } catch (NumberFormatException e) {
      throw s.wrong(v, "not an integer");
    }
  }

  private boolean bool(Setting s) {
    return either(s, "true", "false");
  }

  /** True for {@code yes}, false for {@code no} (any case); else the setting's error. */
  private boolean either(Setting s, String yes, String no) {
    String v = required(s);
    if (v.equalsIgnoreCase(yes)) {
      return true;
    }
    if (v.equalsIgnoreCase(no)) {
      return false;
    }
    throw s.wrong(v, "not " + yes + " or " + no);
  }

  /** The rate and burst; each unset one takes its default, which depends on whether keys are configured. */
  private Rate rate(boolean keysFile) {
    Rate fallback = HubConfig.defaultRate(keysFile);
    double perSecond = fallback.perSecond();
    String v = value(Setting.RATE_LIMIT);
    if (v != null) {
      try {
        perSecond = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw Setting.RATE_LIMIT.wrong(v, "not a number");
      }
      if (!(perSecond >= 0.001 && perSecond <= 1_000_000)) {
        throw Setting.RATE_LIMIT.wrong(v, "out of range 0.001..1000000");
      }
    }
    if (value(Setting.RATE_BURST) == null) {
      return v == null ? fallback : Rate.of(perSecond);
    }
    return new Rate(perSecond, intIn(Setting.RATE_BURST, 1, 1_000_000));
  }

  /** HUB_MAX_EVENT_BYTES; its default shrinks to a smaller body limit, a value given must fit in it. */
  private int maxEventBytes(long maxBodyBytes) {
    String v = required(Setting.MAX_EVENT_BYTES);
    long bytes = size(Setting.MAX_EVENT_BYTES);
    if (bytes <= maxBodyBytes) {
      return (int) bytes;
    }
    if (given.contains(Setting.MAX_EVENT_BYTES)) {
      throw Setting.MAX_EVENT_BYTES.wrong(v, "larger than HUB_MAX_BODY_BYTES (" + maxBodyBytes + " bytes)");
    }
    return (int) maxBodyBytes;
  }

  private StoreKind store() {
    String v = required(Setting.STORE);
    for (StoreKind k : StoreKind.values()) {
      if (k.wireName().equals(v.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw Setting.STORE.wrong(v, "unknown store");
  }

  private String bind() {
    String v = required(Setting.BIND);
    if (!HOST.matcher(v).matches()) {
      throw Setting.BIND.wrong(v, "not an address or host name");
    }
    return v;
  }

  private Path dataDir(StoreKind store) {
    String v = required(Setting.DATA_DIR);
    Path p = path(Setting.DATA_DIR, v);
    if (store == StoreKind.EMBEDDED && Files.exists(p) && !Files.isDirectory(p)) {
      throw Setting.DATA_DIR.wrong(v, "exists and is not a directory");
    }
    return p;
  }

  private String mongoUri(StoreKind store) {
    String v = value(Setting.MONGODB_URI);
    if (v == null) {
      throw new ConfigException("invalid configuration: HUB_MONGODB_URI / --mongodb-uri is required when HUB_STORE is "
          + store.wireName() + "; expected " + Setting.MONGODB_URI.expected());
    }
    try {
      new ConnectionString(v);
      return v;
    } catch (IllegalArgumentException e) {
      // The driver's message may quote credentials from the URI, so say only that it failed.
      throw Setting.MONGODB_URI.wrong(redact(v), "not a valid connection string");
    }
  }

  private String mongoDatabase() {
    String v = required(Setting.MONGODB_DATABASE);
    // MongoDB's own rule for database names: no /\. "$ or space, at most 63 bytes.
    if (v.length() > 63 || v.chars().anyMatch(c -> "/\\. \"$".indexOf(c) >= 0)) {
      throw Setting.MONGODB_DATABASE.wrong(v, "not a valid database name");
    }
    return v;
  }

  private Duration duration(Setting s) {
    String v = required(s);
    try {
      return DurationText.parse(v);
    } catch (IllegalArgumentException e) {
      throw s.wrong(v, e.getMessage());
    }
  }

  private long size(Setting s) {
    return size(s, MAX_BODY);
  }

  /** A size of 1 byte up to {@code max}, a power of two of at least 1 GiB. */
  private long size(Setting s, long max) {
    String v = required(s);
    Matcher m = SIZE.matcher(v.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw s.wrong(v, "not a size");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    int shift = switch (unit) {
      case "kib" -> 10;
      case "mib" -> 20;
      case "gib" -> 30;
      default -> 0;
    };
    if (n < 1 || n > (max >> shift)) {
      throw s.wrong(v, "out of range 1 byte.." + (max >> 30) + "GiB");
    }
    return n << shift;
  }

  private Path optionalPath(Setting s) {
    String v = value(s);
    return v == null ? null : path(s, v);
  }

  private static Path path(Setting s, String v) {
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      throw s.wrong(v, "not a valid path");
    }
  }

  private static String redact(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }
}
