package io.annals.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.testsupport.FakeHub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LoadgenTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
  private final ObjectMapper json = new ObjectMapper();

  @Nested
  class Traffic_ {

    @Test
    void same_seed_gives_the_same_requests() {
      Traffic a = new Traffic(4, TrafficMix.REALISTIC, 42, CLOCK);
      Traffic b = new Traffic(4, TrafficMix.REALISTIC, 42, CLOCK);
      for (int i = 0; i < 500; i++) {
        assertThat(a.next(20)).isEqualTo(b.next(20));
      }
    }

    @Test
    void mix_has_every_kind_in_about_its_share() throws Exception {
      // Given the realistic mix over 20,000 events
      Traffic traffic = new Traffic(6, TrafficMix.REALISTIC, 7, CLOCK);
      Map<Intent, Integer> counts = new EnumMap<>(Intent.class);
      int events = 0;
      int batches = 0;
      while (events < 20_000) {
        PlannedRequest request = traffic.next(20);
        request.intents().forEach(intent -> counts.merge(intent, 1, Integer::sum));
        events += request.events();
        batches += request.batch() ? 1 : 0;
      }
      // Then every kind is there, near its share (the seed makes this exact and repeatable)
      assertThat(share(counts, Intent.INVALID, events)).isBetween(0.015, 0.025);
      assertThat(share(counts, Intent.DUPLICATE, events)).isBetween(0.025, 0.035);
      assertThat(share(counts, Intent.CONFLICT, events)).isBetween(0.003, 0.007);
      assertThat(share(counts, Intent.LATE, events)).isBetween(0.04, 0.06);
      assertThat(batches).isPositive();
    }

    @Test
    void events_look_like_what_producers_send() throws Exception {
      Traffic traffic = new Traffic(3, TrafficMix.REALISTIC, 3, CLOCK);
      List<JsonNode> events = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        PlannedRequest request = traffic.next(1);
        if (request.intents().get(0) == Intent.FRESH || request.intents().get(0) == Intent.LATE) {
          events.add(json.readTree(request.body()));
        }
      }
      Set<String> services = events.stream().map(e -> e.at("/meta/service").asText()).collect(Collectors.toSet());
      assertThat(services).containsExactlyInAnyOrder("billing", "orders", "shipping");
      List<JsonNode> payments = events.stream()
          .filter(e -> e.at("/meta/type").asText().equals("payment-completed")).toList();
      assertThat(payments).isNotEmpty().allSatisfy(e -> {
        assertThat(e.at("/payload/amount").asText()).matches("\\d+\\.\\d{4}/(EUR|USD|GBP)");
        assertThat(e.at("/id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(e.at("/meta/aggregate_id").asText()).startsWith("payment/");
      });
      // Late arrivals lie minutes to hours in the past; the rest within two seconds.
      List<Duration> delays = events.stream()
          .map(e -> Duration.between(OffsetDateTime.parse(e.at("/meta/created_at").asText()).toInstant(), CLOCK.instant()))
          .toList();
      assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofHours(12)));
      assertThat(delays).anySatisfy(d -> assertThat(d).isGreaterThan(Duration.ofHours(1)));
      assertThat(delays).anySatisfy(d -> assertThat(d).isBetween(Duration.ofMinutes(1), Duration.ofMinutes(59)));
    }

    @Test
    void more_services_than_profiles_get_generic_names() {
      Traffic traffic = new Traffic(9, TrafficMix.REALISTIC, 1, CLOCK);
      assertThat(traffic.serviceNames()).hasSize(9).contains("billing", "service-7", "service-9");
    }

    @Test
    void a_batch_never_holds_more_events_than_are_left() {
      TrafficMix allBatches = new TrafficMix(0, 0, 0, 0, 1.0, 20);
      Traffic traffic = new Traffic(2, allBatches, 1, CLOCK);
      assertThat(traffic.next(3).events()).isBetween(2, 3);
      assertThat(traffic.next(1).batch()).isFalse();
    }
  }

  @Nested
  class Run {

    @Test
    void sends_rate_times_duration_events_and_counts_every_answer() throws Exception {
      try (FakeHub hub = new FakeHub()) {
        // Given one request at a time, so that every duplicate or conflict follows its original's answer
        LoadgenOptions options = options(URI.create(hub.url()), 300, Duration.ofSeconds(1), 1, Optional.of("k-123"));

        // When
        LoadgenReport report = new Loadgen(options, TrafficMix.REALISTIC, Clock.systemUTC(),
            Loadgen.defaultClient(options), new PrintStream(new ByteArrayOutputStream())).run();

        // Then every scheduled event went out and each answer was counted as what it was meant to be
        Map<Intent, Long> sent = report.intended();
        assertThat(report.events()).isEqualTo(300);
        assertThat(hub.received()).hasSize(300);
        assertThat(report.outcomes()).containsEntry("created", sent.get(Intent.FRESH) + sent.get(Intent.LATE))
            .containsEntry("duplicate", sent.get(Intent.DUPLICATE))
            .containsEntry("invalid", sent.get(Intent.INVALID));
        assertThat(report.outcomes().getOrDefault("conflict", 0L)).isEqualTo(sent.get(Intent.CONFLICT));
        assertThat(report.requests()).isLessThan(300); // some went as batches
        assertThat(report.errorCount()).isZero();
        assertThat(report.ok()).isTrue();
        assertThat(hub.requests()).extracting(FakeHub.Request::authorization).containsOnly("Bearer k-123");
        assertThat(report.format()).contains("sent 300 events", "outcomes: ", "errors:   0", "p99");
      }
    }

    @Test
    void spreads_requests_over_every_hub() throws Exception {
      try (FakeHub a = new FakeHub(); FakeHub b = new FakeHub()) {
        LoadgenOptions options = new LoadgenOptions(List.of(URI.create(a.url()), URI.create(b.url())), 200,
            Duration.ofSeconds(1), 2, Optional.empty(), 1, 8, Duration.ofSeconds(10));
        LoadgenReport report = new Loadgen(options, TrafficMix.REALISTIC, Clock.systemUTC(),
            Loadgen.defaultClient(options), new PrintStream(new ByteArrayOutputStream())).run();
        assertThat(a.received().size() + b.received().size()).isEqualTo(200);
        assertThat(a.received()).isNotEmpty();
        assertThat(b.received()).isNotEmpty();
        assertThat(a.requests()).extracting(FakeHub.Request::authorization).containsOnly((String) null);
        assertThat(report.ok()).isTrue();
      }
    }

    @Test
    void a_hub_that_does_not_answer_is_reported_as_errors_not_hidden() throws Exception {
      // Given a port nobody listens on
      int closedPort;
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
        closedPort = socket.getLocalPort();
      }
      LoadgenOptions options = options(URI.create("http://127.0.0.1:" + closedPort), 50, Duration.ofMillis(200), 4, Optional.empty());
      LoadgenReport report = new Loadgen(options, TrafficMix.REALISTIC, Clock.systemUTC(),
          Loadgen.defaultClient(options), new PrintStream(new ByteArrayOutputStream())).run();
      assertThat(report.errorCount()).isEqualTo(report.requests()).isPositive();
      assertThat(report.ok()).isFalse();
      assertThat(report.format()).contains("ConnectException");
    }

    @Test
    void status_codes_map_to_outcomes() {
      assertThat(Loadgen.outcomeOf(201)).isEqualTo("created");
      assertThat(Loadgen.outcomeOf(200)).isEqualTo("duplicate");
      assertThat(Loadgen.outcomeOf(409)).isEqualTo("conflict");
      assertThat(Loadgen.outcomeOf(400)).isEqualTo("invalid");
      assertThat(Loadgen.outcomeOf(403)).isEqualTo("forbidden");
      assertThat(Loadgen.outcomeOf(429)).isEqualTo("throttled");
      assertThat(Loadgen.outcomeOf(503)).isEqualTo("unavailable");
      assertThat(Loadgen.outcomeOf(502)).isEqualTo("http_502");
    }

    private LoadgenOptions options(URI hub, int rate, Duration duration, int maxInFlight, Optional<String> apiKey) {
      return new LoadgenOptions(List.of(hub), rate, duration, 4, apiKey, 1, maxInFlight, Duration.ofSeconds(10));
    }
  }

  @Nested
  class Options {

    @Test
    void parses_every_flag() {
      LoadgenOptions options = parse(new String[] {
          "--hub", "http://localhost:8081/,http://localhost:8082", "--rate", "250", "--duration", "5m",
          "--services", "6", "--api-key", "secret", "--seed", "9", "--max-in-flight", "64", "--timeout", "PT5S"});
      assertThat(options.hubs()).containsExactly(URI.create("http://localhost:8081"), URI.create("http://localhost:8082"));
      assertThat(options.rate()).isEqualTo(250);
      assertThat(options.duration()).isEqualTo(Duration.ofMinutes(5));
      assertThat(options.services()).isEqualTo(6);
      assertThat(options.apiKey()).contains("secret");
      assertThat(options.seed()).isEqualTo(9);
      assertThat(options.maxInFlight()).isEqualTo(64);
      assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void durations_take_units_or_iso_and_a_bare_number_is_refused_naming_the_grammar() {
      assertThat(LoadgenOptions.duration("--duration", "500ms")).isEqualTo(Duration.ofMillis(500));
      assertThatThrownBy(() -> LoadgenOptions.duration("--duration", "30"))
          .hasMessage("--duration = \"30\": not a duration; expected a duration such as 500ms, 30s, 5m, 1h, 7d or ISO-8601 PT30S");
      assertThat(LoadgenOptions.duration("--duration", "2h")).isEqualTo(Duration.ofHours(2));
      assertThat(LoadgenOptions.duration("--duration", "PT1M")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void bad_values_are_named_with_what_was_expected() {
      assertThatThrownBy(() -> parse("--hub", "localhost:8080", "--rate", "10", "--duration", "1s", "--services", "1"))
          .hasMessageContaining("--hub = \"localhost:8080\"").hasMessageContaining("http(s) base URL");
      assertThatThrownBy(() -> parse("--hub", "http://h", "--rate", "0", "--duration", "1s", "--services", "1"))
          .hasMessageContaining("--rate = 0").hasMessageContaining("1..100000");
      assertThatThrownBy(() -> parse("--hub", "http://h", "--rate", "5", "--duration", "soon", "--services", "1"))
          .hasMessageContaining("--duration = \"soon\"");
      assertThatThrownBy(() -> parse("--hub", "http://h", "--rate", "5", "--duration", "1s"))
          .hasMessageContaining("--services are required");
      assertThatThrownBy(() -> parse("--hub", "http://h", "--rate", "5", "--duration", "1s", "--services", "1", "--fast", "x"))
          .hasMessageContaining("unknown option --fast");
    }

    @Test
    void the_command_exits_2_on_bad_options_and_0_on_help() throws Exception {
      assertThat(new LoadgenCommand().run(new String[] {"--rate", "x"})).isEqualTo(2);
      assertThat(new LoadgenCommand().run(new String[] {"--help"})).isZero();
    }

    @Test
    void the_key_may_come_from_the_environment_and_the_flag_wins() {
      String[] required = {"--hub", "http://h", "--rate", "5", "--duration", "1s", "--services", "1"};
      assertThat(LoadgenOptions.parse(required, Map.of("ANNALS_API_KEY", "from-env")).apiKey()).contains("from-env");
      assertThat(LoadgenOptions.parse(required, Map.of("ANNALS_API_KEY", " ")).apiKey()).isEmpty();
      assertThat(LoadgenOptions.parse(required, Map.of()).apiKey()).isEmpty();
      String[] withFlag = {"--hub", "http://h", "--rate", "5", "--duration", "1s", "--services", "1", "--api-key", "flag"};
      assertThat(LoadgenOptions.parse(withFlag, Map.of("ANNALS_API_KEY", "from-env")).apiKey()).contains("flag");
    }

    private LoadgenOptions parse(String... args) {
      return LoadgenOptions.parse(args, Map.of());
    }
  }

  @Nested
  class Histogram {

    @Test
    void quantiles_are_within_the_bucket_precision() {
      LatencyHistogram histogram = new LatencyHistogram();
      for (long micros = 1; micros <= 100_000; micros++) {
        histogram.record(micros);
      }
      assertThat(histogram.count()).isEqualTo(100_000);
      assertThat(histogram.valueAt(0.5)).isBetween(50_000L, 53_500L);
      assertThat(histogram.valueAt(0.99)).isBetween(99_000L, 106_000L);
      assertThat(histogram.valueAt(1.0)).isBetween(100_000L, 107_000L);
    }

    @Test
    void every_value_falls_in_a_bucket_whose_bound_is_not_below_it() {
      for (long v : new long[] {0, 1, 15, 16, 17, 31, 32, 33, 1000, 123_456_789, Long.MAX_VALUE / 2}) {
        long bound = LatencyHistogram.upperBound(LatencyHistogram.index(v));
        assertThat(bound).isGreaterThanOrEqualTo(v);
        assertThat(bound).isLessThanOrEqualTo(Math.max(16, v + v / 16 + 1));
      }
    }
  }

  private static double share(Map<Intent, Integer> counts, Intent intent, int total) {
    return counts.getOrDefault(intent, 0) / (double) total;
  }
}
