package io.annals.hub.server.config;

import io.annals.hub.server.auth.Rate;
import io.annals.hub.server.auth.RequestLimits;
import io.annals.hub.server.ingest.IngestLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The hub's validated configuration, from environment variables and {@code --flags} (a flag wins
 * over its variable). Every field is checked when it is built; see {@link Setting} for the table.
 *
 * @param mongodbUri null unless {@code store} is {@link StoreKind#MONGODB}, where it is required
 * @param apiKeysFile null when not set; parsed by the security layer, carried here only
 * @param ingest the body and batch bounds, the one source of those two for {@link #requestLimits()}
 * @param allowUnauthenticated the opt-in to serve beyond loopback without a keys file
 * @param maxEventBytes largest event, in compact JSON; at most {@code ingest.maxBodyBytes()}
 * @param rate the request budget per API key, or per remote address without one
 * @param http the bounds of the HTTP layer: bodies in flight, the header deadline
 */
public record HubConfig(
    int port,
    String bind,
    StoreKind store,
    Path dataDir,
    String mongodbUri,
    String mongodbDatabase,
    Duration feedLag,
    Path apiKeysFile,
    IngestLimits ingest,
    boolean allowUnauthenticated,
    int maxEventBytes,
    int maxJsonDepth,
    int maxStringLength,
    Rate rate,
    HttpLimits http) {

  public HubConfig {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(mongodbDatabase, "mongodbDatabase");
    Objects.requireNonNull(feedLag, "feedLag");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(rate, "rate");
    Objects.requireNonNull(http, "http");
    if (http.bodyBudgetBytes() != 0 && http.bodyBudgetBytes() < ingest.maxBodyBytes()) {
      throw new IllegalArgumentException("the body budget (" + http.bodyBudgetBytes()
          + " bytes) must be at least the body limit (" + ingest.maxBodyBytes() + " bytes)");
    }
    if (store == StoreKind.MONGODB && mongodbUri == null) {
      throw new IllegalArgumentException("mongodbUri is required for the mongodb store");
    }
    new RequestLimits(ingest.maxBodyBytes(), ingest.maxEventsPerRequest(), maxEventBytes, maxJsonDepth,
        maxStringLength, rate); // validates the bounds together, naming the one out of range
  }

  /**
   * The configuration without the security settings: the default JSON bounds (the event bound no
   * larger than the body bound), no opt-in, and the default rate for the keys situation.
   */
  public HubConfig(int port, String bind, StoreKind store, Path dataDir, String mongodbUri, String mongodbDatabase,
      Duration feedLag, Path apiKeysFile, IngestLimits ingest) {
    this(port, bind, store, dataDir, mongodbUri, mongodbDatabase, feedLag, apiKeysFile, ingest, false,
        (int) Math.min(RequestLimits.defaults().maxEventBytes(), ingest.maxBodyBytes()),
        RequestLimits.defaults().maxNestingDepth(), RequestLimits.defaults().maxStringLength(),
        defaultRate(apiKeysFile != null), HttpLimits.defaults());
  }

  /** {@link Rate#defaults()} per key with a keys file, {@link Rate#defaultsWithoutKeys()} per address without. */
  public static Rate defaultRate(boolean keysFile) {
    return keysFile ? Rate.defaults() : Rate.defaultsWithoutKeys();
  }

  /** Every bound on one request, the body and batch bounds taken from {@link #ingest()}. */
  public RequestLimits requestLimits() {
    return new RequestLimits(ingest.maxBodyBytes(), ingest.maxEventsPerRequest(), maxEventBytes, maxJsonDepth,
        maxStringLength, rate);
  }

  /**
   * Reads the configuration from {@code env} and {@code args}; throws {@link ConfigException}
   * with a one-line message naming the first wrong setting.
   */
  public static HubConfig load(Map<String, String> env, String[] args) {
    return new ConfigParser(env, args).parse();
  }

  /** Whether the embedded store runs {@code PRAGMA quick_check} before the hub listens ({@code HUB_STARTUP_CHECK}). */
  public static boolean startupCheck(Map<String, String> env, String[] args) {
    return new ConfigParser(env, args).startupCheck();
  }

  /** Whether the ledger is on ({@code HUB_LEDGER}) and its key file ({@code HUB_LEDGER_KEY_FILE}). */
  public static LedgerSettings ledger(Map<String, String> env, String[] args) {
    return new ConfigParser(env, args).ledger();
  }

  /** The live feed's settings ({@code HUB_FEED_HEARTBEAT}, {@code HUB_FEED_MAX_WAITERS}, ...), read apart like the ledger's. */
  public static io.annals.hub.server.feed.LiveFeedSettings liveFeed(Map<String, String> env, String[] args) {
    return new ConfigParser(env, args).liveFeed();
  }

  /** The {@code --help} text: every setting with its flag, default and expected form. */
  public static String usage() {
    StringBuilder text = new StringBuilder("Annals hub. Settings (environment variable, or the flag, which wins):\n");
    for (Setting s : Setting.values()) {
      // A setting without a default text either has none or says in its expected form how it is chosen.
      text.append(String.format("  %-26s %-26s %-18s %s%n",
          s.env(), s.flag(), s.defaultValue() == null ? "" : "default " + s.defaultValue(), s.expected()));
    }
    return text.toString();
  }
}
