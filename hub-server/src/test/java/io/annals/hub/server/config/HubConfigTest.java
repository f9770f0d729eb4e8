package io.annals.hub.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.auth.Rate;
import io.annals.hub.server.auth.RequestLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubConfigTest {

  static HubConfig load(Map<String, String> env, String... args) {
    return HubConfig.load(env, args);
  }

  @Test
  void with_nothing_set_every_default_of_the_readme_applies() {
    HubConfig c = load(Map.of());

    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.bind()).isEqualTo("127.0.0.1");
    assertThat(c.store()).isEqualTo(StoreKind.EMBEDDED);
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.mongodbDatabase()).isEqualTo("hub");
    assertThat(c.feedLag()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.apiKeysFile()).isNull();
    assertThat(c.ingest().maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(c.ingest().maxEventsPerRequest()).isEqualTo(10_000);
    assertThat(c.ingest().maxClockSkew()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void a_flag_wins_over_its_environment_variable_in_both_flag_forms() {
    HubConfig c = load(Map.of("HUB_PORT", "9000", "HUB_FEED_LAG", "1s", "HUB_MAX_BODY_BYTES", "1MiB"),
        "--port", "9001", "--feed-lag=250ms", "--api-keys-file", "/etc/keys");

    assertThat(c.port()).isEqualTo(9001);
    assertThat(c.feedLag()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.apiKeysFile()).isEqualTo(Path.of("/etc/keys"));
    assertThat(c.ingest().maxBodyBytes()).isEqualTo(1024 * 1024);
  }

  @Test
  void the_startup_check_is_quick_unless_turned_off_and_a_bad_value_stops_start_up_naming_the_setting() {
    assertThat(HubConfig.startupCheck(Map.of(), new String[0])).isTrue();
    assertThat(HubConfig.startupCheck(Map.of("HUB_STARTUP_CHECK", "off"), new String[0])).isFalse();
    assertThat(HubConfig.startupCheck(Map.of("HUB_STARTUP_CHECK", "off"), new String[] {"--startup-check", "quick"})).isTrue();
    assertThatThrownBy(() -> load(Map.of("HUB_STARTUP_CHECK", "full")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("HUB_STARTUP_CHECK / --startup-check = \"full\"")
        .hasMessageContaining("not quick or off");
  }

  @Test
  void the_mongodb_store_needs_a_valid_uri() {
    assertThatThrownBy(() -> load(Map.of("HUB_STORE", "mongodb")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("HUB_MONGODB_URI / --mongodb-uri is required");
    assertThatThrownBy(() -> load(Map.of("HUB_STORE", "mongodb", "HUB_MONGODB_URI", "http://user:secret@x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("HUB_MONGODB_URI").hasMessageNotContaining("secret");
    assertThat(load(Map.of("HUB_STORE", "MongoDB", "HUB_MONGODB_URI", "mongodb://db:27017")).store())
        .isEqualTo(StoreKind.MONGODB);
  }

  @Test
  void each_wrong_value_names_the_variable_its_flag_and_the_expected_form_on_one_line() {
    Map<String, String> wrong = Map.of(
        "HUB_PORT", "80a", "HUB_STORE", "postgres", "HUB_FEED_LAG", "5 sec", "HUB_MAX_BODY_BYTES", "10MB",
        "HUB_MAX_BATCH_EVENTS", "0", "HUB_BIND", "local host", "HUB_MAX_CLOCK_SKEW", "-5m",
        "HUB_MONGODB_DATABASE", "a.b", "HUB_INGEST_TIMEOUT", "0s");
    wrong.forEach((name, value) -> assertThatThrownBy(() -> load(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name)
        .hasMessageContaining("--")
        .hasMessageContaining("expected")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")));
  }

  @Test
  void the_live_feed_settings_are_read_apart_with_defaults_and_a_wrong_one_stops_start_up() {
    io.annals.hub.server.feed.LiveFeedSettings defaults = HubConfig.liveFeed(Map.of(), new String[0]);
    assertThat(defaults.heartbeat()).isNull(); // the lag's default: 100 ms for the default lag
    assertThat(defaults.maxWaiters()).isEqualTo(10_000);
    assertThat(defaults.maxWaitersPerCaller()).isEqualTo(2_000);
    assertThat(defaults.keepAlive()).isEqualTo(Duration.ofSeconds(15));
    assertThat(defaults.feedSettings(Duration.ofSeconds(5)).publishInterval()).isEqualTo(Duration.ofMillis(100));

    io.annals.hub.server.feed.LiveFeedSettings set = HubConfig.liveFeed(Map.of("HUB_FEED_HEARTBEAT", "50ms",
        "HUB_FEED_MAX_WAITERS", "7"), new String[] {"--feed-max-waiters-per-key", "3"});
    assertThat(set.feedSettings(Duration.ofSeconds(5)).publishInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(set.maxWaiters()).isEqualTo(7);
    assertThat(set.maxWaitersPerCaller()).isEqualTo(3);

    Map<String, String> wrong = Map.of("HUB_FEED_HEARTBEAT", "3s", "HUB_FEED_MAX_WAITERS", "0",
        "HUB_FEED_MAX_WAITERS_PER_KEY", "many", "HUB_FEED_STREAM_KEEPALIVE", "0s");
    wrong.forEach((name, value) -> assertThatThrownBy(() -> load(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name));
  }

  @Test
  void an_unknown_flag_or_a_flag_without_value_is_refused() {
    assertThatThrownBy(() -> load(Map.of(), "--prot", "1")).hasMessageContaining("unknown argument \"--prot\"");
    assertThatThrownBy(() -> load(Map.of(), "--port")).hasMessageContaining("--port needs a value");
  }

  @Test
  void the_queue_must_hold_at_least_one_full_request() {
    assertThatThrownBy(() -> load(Map.of("HUB_MAX_BATCH_EVENTS", "5000", "HUB_INGEST_QUEUE_EVENTS", "4000")))
        .hasMessageContaining("HUB_INGEST_QUEUE_EVENTS");
  }

  @Test
  void a_data_dir_that_is_a_file_is_refused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = java.nio.file.Files.writeString(dir.resolve("f"), "x");

    assertThatThrownBy(() -> load(Map.of("HUB_DATA_DIR", file.toString())))
        .hasMessageContaining("HUB_DATA_DIR").hasMessageContaining("not a directory");
  }
  @Test
  void the_security_settings_have_safe_defaults_and_the_rate_depends_on_keys() {
    HubConfig open = load(Map.of());
    HubConfig keyed = load(Map.of("HUB_API_KEYS_FILE", "/etc/keys.json"));

    assertThat(open.allowUnauthenticated()).isFalse();
    assertThat(open.maxEventBytes()).isEqualTo(1024 * 1024);
    assertThat(open.maxJsonDepth()).isEqualTo(64);
    assertThat(open.maxStringLength()).isEqualTo(1_000_000);
    assertThat(open.rate()).isEqualTo(new Rate(100_000, 200_000));
    assertThat(keyed.rate()).isEqualTo(new Rate(100, 200));
    assertThat(open.requestLimits()).isEqualTo(RequestLimits.defaults().withRate(open.rate()));
  }

  @Test
  void allow_unauthenticated_is_a_switch_that_may_stand_alone() {
    assertThat(load(Map.of(), "--allow-unauthenticated").allowUnauthenticated()).isTrue();
    assertThat(load(Map.of(), "--allow-unauthenticated", "--port", "1").allowUnauthenticated()).isTrue();
    assertThat(load(Map.of(), "--allow-unauthenticated", "false").allowUnauthenticated()).isFalse();
    assertThat(load(Map.of(), "--allow-unauthenticated=TRUE").allowUnauthenticated()).isTrue();
    assertThat(load(Map.of("HUB_ALLOW_UNAUTHENTICATED", "true")).allowUnauthenticated()).isTrue();
    assertThatThrownBy(() -> load(Map.of("HUB_ALLOW_UNAUTHENTICATED", "yes")))
        .hasMessageContaining("HUB_ALLOW_UNAUTHENTICATED / --allow-unauthenticated = \"yes\": not true or false");
  }

  @Test
  void the_rate_takes_a_burst_of_twice_itself_unless_one_is_given() {
    assertThat(load(Map.of("HUB_RATE_LIMIT", "5")).rate()).isEqualTo(new Rate(5, 10));
    assertThat(load(Map.of("HUB_RATE_LIMIT", "0.5", "HUB_RATE_BURST", "3")).rate()).isEqualTo(new Rate(0.5, 3));
    assertThat(load(Map.of("HUB_API_KEYS_FILE", "k"), "--rate-burst", "7").rate()).isEqualTo(new Rate(100, 7));
    for (String wrong : new String[] {"fast", "0", "NaN", "-1", "2000000"}) {
      assertThatThrownBy(() -> load(Map.of("HUB_RATE_LIMIT", wrong))).isInstanceOf(ConfigException.class)
          .hasMessageContaining("HUB_RATE_LIMIT / --rate-limit = \"" + wrong + "\"");
    }
  }

  @Test
  void the_json_and_event_bounds_come_from_their_settings_and_the_body_bounds_from_the_ingest_ones() {
    HubConfig c = load(Map.of("HUB_MAX_BODY_BYTES", "1MiB", "HUB_MAX_BATCH_EVENTS", "100", "HUB_MAX_EVENT_BYTES", "64KiB",
        "HUB_MAX_JSON_DEPTH", "10", "HUB_MAX_STRING_LENGTH", "5000"));

    RequestLimits limits = c.requestLimits();
    assertThat(limits.maxBodyBytes()).isEqualTo(c.ingest().maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(limits.maxEventsPerRequest()).isEqualTo(c.ingest().maxEventsPerRequest()).isEqualTo(100);
    assertThat(limits.maxEventBytes()).isEqualTo(64 * 1024);
    assertThat(limits.maxNestingDepth()).isEqualTo(10);
    assertThat(limits.maxStringLength()).isEqualTo(5000);
  }

  @Test
  void the_default_event_bound_shrinks_to_a_smaller_body_bound_but_a_given_one_must_fit() {
    assertThat(load(Map.of("HUB_MAX_BODY_BYTES", "64KiB")).maxEventBytes()).isEqualTo(64 * 1024);
    assertThatThrownBy(() -> load(Map.of("HUB_MAX_BODY_BYTES", "64KiB", "HUB_MAX_EVENT_BYTES", "1MiB")))
        .hasMessageContaining("HUB_MAX_EVENT_BYTES").hasMessageContaining("larger than HUB_MAX_BODY_BYTES (65536 bytes)");
  }

  @Test
  void each_wrong_security_value_names_its_variable_on_one_line() {
    Map<String, String> wrong = Map.of("HUB_MAX_JSON_DEPTH", "2", "HUB_MAX_STRING_LENGTH", "0",
        "HUB_MAX_EVENT_BYTES", "big", "HUB_RATE_BURST", "0", "HUB_ALLOW_UNAUTHENTICATED", "1");
    wrong.forEach((name, value) -> assertThatThrownBy(() -> load(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name)
        .hasMessageContaining("expected")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")));
  }
}
