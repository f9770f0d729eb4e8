package io.annals.hub.server.config;

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
    IngestLimits ingest) {

  public HubConfig {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(mongodbDatabase, "mongodbDatabase");
    Objects.requireNonNull(feedLag, "feedLag");
    Objects.requireNonNull(ingest, "ingest");
    if (store == StoreKind.MONGODB && mongodbUri == null) {
      throw new IllegalArgumentException("mongodbUri is required for the mongodb store");
    }
  }

  /**
   * Reads the configuration from {@code env} and {@code args}; throws {@link ConfigException}
   * with a one-line message naming the first wrong setting.
   */
  public static HubConfig load(Map<String, String> env, String[] args) {
    return new ConfigParser(env, args).parse();
  }

  /** The {@code --help} text: every setting with its flag, default and expected form. */
  public static String usage() {
    StringBuilder text = new StringBuilder("Annals hub. Settings (environment variable, or the flag, which wins):\n");
    for (Setting s : Setting.values()) {
      text.append(String.format("  %-24s %-24s default %-10s %s%n",
          s.env(), s.flag(), s.defaultValue() == null ? "(none)" : s.defaultValue(), s.expected()));
    }
    return text.toString();
  }
}
