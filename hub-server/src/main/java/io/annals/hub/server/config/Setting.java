package io.annals.hub.server.config;

import io.annals.hub.server.auth.Rate;
import io.annals.hub.server.auth.RequestLimits;
import java.util.Locale;

/**
 * Every configuration setting: its environment variable, the equivalent {@code --flag}, its
 * default (null = none) and the form expected. One table, so that parsing, error messages, the
 * {@code --help} text and the README cannot disagree.
 */
public enum Setting {
  PORT("HUB_PORT", "8080", "a TCP port 0..65535 (0 = any free port)"),
  BIND("HUB_BIND", "127.0.0.1", "an IP address or host name to listen on, e.g. 0.0.0.0"),
  STORE("HUB_STORE", "embedded", "embedded or mongodb"),
  DATA_DIR("HUB_DATA_DIR", "./data", "a directory path (created if missing)"),
  MONGODB_URI("HUB_MONGODB_URI", null, "a MongoDB connection string, mongodb://... or mongodb+srv://..."),
  MONGODB_DATABASE("HUB_MONGODB_DATABASE", "hub", "a MongoDB database name"),
  FEED_LAG("HUB_FEED_LAG", "5s", "a duration such as 500ms, 5s, 2m or PT5S"),
  API_KEYS_FILE("HUB_API_KEYS_FILE", null, "a file path"),
  FEED_HEARTBEAT("HUB_FEED_HEARTBEAT", null, "a duration such as 100ms, at most half HUB_FEED_LAG: how often this instance"
      + " publishes its feed watermark (how far a live feed may trail a commit); default 100ms, or a quarter of a lag under 400ms"),
  FEED_MAX_WAITERS("HUB_FEED_MAX_WAITERS", "10000", "an integer 1..1000000: long polls and event streams waiting at once"),
  FEED_MAX_WAITERS_PER_KEY("HUB_FEED_MAX_WAITERS_PER_KEY", "2000", "an integer 1..1000000: the same per API key"
      + " (per remote address without keys); beyond either bound /feed?wait= and /feed/stream answer 429"),
  FEED_STREAM_KEEPALIVE("HUB_FEED_STREAM_KEEPALIVE", "15s", "a duration such as 15s: a quiet event stream gets a comment"
      + " line this often"),
  LEDGER("HUB_LEDGER", "on", "on or off: keep the verifiable ledger (docs/ledger.md); off stores no leaves and"
      + " answers /ledger/* with 404"),
  LEDGER_KEY_FILE("HUB_LEDGER_KEY_FILE", null, "a file path: the ledger's Ed25519 key (PEM); default: made in HUB_DATA_DIR"),
  MAX_BODY_BYTES("HUB_MAX_BODY_BYTES", "10MiB", "a size in bytes such as 10485760, 512KiB or 10MiB"),
  MAX_BATCH_EVENTS("HUB_MAX_BATCH_EVENTS", "10000", "an integer 1..1000000"),
  MAX_CLOCK_SKEW("HUB_MAX_CLOCK_SKEW", "5m", "a duration such as 30s or 5m"),
  INGEST_QUEUE_EVENTS("HUB_INGEST_QUEUE_EVENTS", "50000", "an integer 1..10000000, at least HUB_MAX_BATCH_EVENTS"),
  COMMIT_MAX_EVENTS("HUB_COMMIT_MAX_EVENTS", "2000", "an integer 1..1000000"),
  INGEST_TIMEOUT("HUB_INGEST_TIMEOUT", "10s", "a duration such as 10s"),
  ALLOW_UNAUTHENTICATED("HUB_ALLOW_UNAUTHENTICATED", "false",
      "true or false (a bare --allow-unauthenticated means true): serve beyond loopback without a keys file"),
  RATE_LIMIT("HUB_RATE_LIMIT", null, "requests per second per API key (per remote address without one),"
      + " 0.001..1000000; default " + Rate.defaults() + " with HUB_API_KEYS_FILE, "
      + Rate.defaultsWithoutKeys() + " without"),
  RATE_BURST("HUB_RATE_BURST", null, "an integer 1..1000000, requests at once after a quiet spell;"
      + " default twice HUB_RATE_LIMIT"),
  MAX_EVENT_BYTES("HUB_MAX_EVENT_BYTES", RequestLimits.defaults().maxEventBytes() / 1024 / 1024 + "MiB",
      "a size such as 1MiB or 65536, at most HUB_MAX_BODY_BYTES: the largest event in compact JSON"),
  MAX_JSON_DEPTH("HUB_MAX_JSON_DEPTH", Integer.toString(RequestLimits.defaults().maxNestingDepth()),
      "an integer 3..1000, counting the batch array and the event object"),
  MAX_STRING_LENGTH("HUB_MAX_STRING_LENGTH", Integer.toString(RequestLimits.defaults().maxStringLength()),
      "an integer 1..1000000000, the longest JSON string in characters"),
  BODY_BUDGET("HUB_BODY_BUDGET", null, "a size such as 64MiB, at least HUB_MAX_BODY_BYTES: request body bytes read and"
      + " decoded at once across requests, beyond which POST /events answers 503 with Retry-After; default"
      + " a twentieth of the JVM's maximum heap (-Xmx), at least HUB_MAX_BODY_BYTES"),
  HEADER_TIMEOUT("HUB_HEADER_TIMEOUT", "20s", "a duration such as 20s: longest a client may take to send a request's"
      + " line and headers; then the connection is closed"),
  STARTUP_CHECK("HUB_STARTUP_CHECK", "quick", "quick or off: the embedded store's PRAGMA quick_check of events.db before"
      + " the hub listens; it reads the whole file (about 40 s per million events from a cold disk); off starts at once"
      + " and leaves damage to be found by the reads that meet it");

  private final String env;
  private final String defaultValue;
  private final String expected;

  Setting(String env, String defaultValue, String expected) {
    this.env = env;
    this.defaultValue = defaultValue;
    this.expected = expected;
  }

  /** The environment variable, e.g. {@code HUB_DATA_DIR}. */
  public String env() {
    return env;
  }

  /** The flag, e.g. {@code --data-dir}. */
  public String flag() {
    return "--" + env.substring("HUB_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The default value as text, or null when there is none. */
  public String defaultValue() {
    return defaultValue;
  }

  /** The form a value must have, for error messages and help. */
  public String expected() {
    return expected;
  }

  /** True for an on/off setting, whose flag may stand alone ({@code --allow-unauthenticated} = true). */
  boolean isSwitch() {
    return this == ALLOW_UNAUTHENTICATED;
  }

  /** The one-line message for a wrong value of this setting. */
  ConfigException wrong(String value, String why) {
    return new ConfigException(
        "invalid configuration: " + env + " / " + flag() + " = \"" + value + "\": " + why
            + "; expected " + expected);
  }
}
