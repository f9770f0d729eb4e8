package io.annals.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.auth.ApiKeys;
import io.annals.hub.server.auth.Principal;
import io.annals.hub.server.auth.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the operational files that need no tool: the rules and dashboard use only
 * metrics from docs/metrics.md, every alert is unit-tested and has a runbook entry, and the
 * Dockerfiles and compose file point at things that exist in this repository. Prometheus itself
 * checks the same files in {@link PrometheusIntegrationTest} and ops/ci/check-ops.sh.
 */
class OpsFilesTest {

  @Nested
  class Metrics {

    @Test
    void rules_and_dashboards_use_only_metrics_from_the_contract() {
      Set<String> documented = OpsFiles.documentedMetrics();
      assertThat(documented).contains("annals_hub_events_total", "annals_projection_lag_seconds", "annals_sdk_dead_letters_total");
      Map<String, Set<String>> used = new TreeMap<>();
      OpsFiles.alerts().forEach(a -> used.put("alert " + a.name(), OpsFiles.metricNames(a.expr())));
      OpsFiles.dashboardQueries().forEach(q -> used.put(q.where(), OpsFiles.metricNames(q.expr())));
      assertThat(used).isNotEmpty();
      used.forEach((where, names) -> {
        assertThat(names).as("metrics of %s", where).isNotEmpty();
        assertThat(names).as("metrics of %s missing from docs/metrics.md", where)
            .allMatch(name -> OpsFiles.documented(name, documented));
      });
    }

    @Test
    void the_dashboard_shows_what_an_operator_asks_first() {
      String all = OpsFiles.dashboardQueries().stream().map(OpsFiles.DashboardQuery::expr).collect(Collectors.joining("\n"));
      assertThat(all)
          .contains("sum by (outcome) (rate(annals_hub_events_total")
          .contains("sum by (service) (rate(annals_hub_events_total")
          .contains("histogram_quantile(0.99, sum by (le) (rate(annals_hub_http_requests_seconds_bucket")
          .contains("annals_hub_arrival_delay_seconds_bucket")
          .contains("annals_hub_store_seconds_bucket")
          .contains("annals_hub_feed_stable_lag_seconds")
          .contains("annals_projection_lag_seconds");
    }

    @Test
    void dashboard_panels_use_the_provisioned_datasource() {
      String uid = OpsFiles.yaml(OpsFiles.repo().resolve("ops/grafana/provisioning/datasources/prometheus.yml"))
          .path("datasources").get(0).path("uid").asText();
      assertThat(uid).isEqualTo("prometheus");
      for (Path file : OpsFiles.dashboards()) {
        for (JsonNode panel : OpsFiles.json(file).path("panels")) {
          if (!panel.path("type").asText().equals("row")) {
            assertThat(panel.path("datasource").path("uid").asText()).as("panel %s", panel.path("title")).isEqualTo(uid);
            panel.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asText()).isEqualTo(uid));
          }
        }
      }
    }
  }

  @Nested
  class Alerts {

    @Test
    void every_alert_has_a_promtool_unit_test() throws IOException {
      String tests = read("ops/prometheus/tests/annals.rules.test.yml");
      assertThat(OpsFiles.alerts()).isNotEmpty().allSatisfy(alert ->
          assertThat(tests).as("unit test for %s", alert.name()).contains("alertname: " + alert.name() + "\n"));
    }

    @Test
    void every_alert_has_a_runbook_entry_in_the_readme() throws IOException {
      String readme = read("README.md");
      int operations = readme.indexOf("## Operations");
      assertThat(operations).as("README section \"Operations\"").isNotNegative();
      String section = readme.substring(operations);
      assertThat(OpsFiles.alerts()).allSatisfy(alert ->
          assertThat(section).as("runbook entry for %s", alert.name()).contains("`" + alert.name() + "`"));
    }

    @Test
    void every_alert_says_how_bad_and_what_happened() {
      for (Path file : OpsFiles.ruleFiles()) {
        for (JsonNode group : OpsFiles.yaml(file).path("groups")) {
          for (JsonNode rule : group.path("rules")) {
            String name = rule.path("alert").asText();
            assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("critical", "warning");
            assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name).isNotBlank();
          }
        }
      }
    }

    @Test
    void signal_is_the_expression_without_its_threshold() {
      assertThat(OpsFiles.signal("up{job=\"annals-hub\"} == 0")).isEqualTo("up{job=\"annals-hub\"}");
      assertThat(OpsFiles.signal("sum(rate(a[5m]))\n  / sum(rate(b[5m]))\n  > 0.01")).isEqualTo("sum(rate(a[5m]))\n  / sum(rate(b[5m]))");
      assertThat(OpsFiles.signal("absent(up)")).isEqualTo("absent(up)");
    }

    @Test
    void metric_names_skip_functions_labels_and_durations() {
      assertThat(OpsFiles.metricNames(
          "histogram_quantile(0.95, sum by (service, le) (rate(annals_hub_arrival_delay_seconds_bucket{service=~\"$service\"}[$__rate_interval])))"
              + " / on (service) group_left sum(up{job=\"a\"}) > 1e3"))
          .containsExactlyInAnyOrder("annals_hub_arrival_delay_seconds_bucket", "up");
      assertThat(OpsFiles.selectors("rate(x_total{status=~\"5..\", route=\"/events\"}[5m]) / rate(x_total[5m])"))
          .extracting(OpsFiles.Selector::metric).containsExactly("x_total", "x_total");
    }
  }

  @Nested
  class Images {

    private final Pattern copy = Pattern.compile("(?m)^COPY\\s+(--from=\\S+\\s+)?(\\S+)\\s+(\\S+)\\s*$");
    private final Pattern from = Pattern.compile("(?m)^FROM\\s+(\\S+)");

    @Test
    void dockerfiles_build_from_this_repositorys_sources() throws IOException {
      for (String module : List.of("hub-server", "projections")) {
        String dockerfile = read("ops/docker/" + module + "/Dockerfile");
        List<String> images = all(from, dockerfile, 1);
        assertThat(images).as(module).containsExactly("maven:3.9.9-eclipse-temurin-17", "eclipse-temurin:17.0.12_7-jre");
        Matcher m = copy.matcher(dockerfile);
        List<String> fromBuild = new ArrayList<>();
        while (m.find()) {
          if (m.group(1) == null) {
            assertThat(OpsFiles.repo().resolve(m.group(2))).as("%s: COPY %s", module, m.group(2)).exists();
          } else {
            fromBuild.add(m.group(2));
          }
        }
        // The runtime stage copies the jar the module's shade plugin writes.
        String pom = read(module + "/pom.xml");
        String jar = pom.replaceAll("(?s).*<outputFile>\\$\\{project.build.directory}/([^<]+)</outputFile>.*", "$1");
        assertThat(fromBuild).as(module).containsExactly("/src/" + module + "/target/" + jar);
      }
    }

    @Test
    void dockerfiles_copy_the_pom_of_every_reactor_module_since_maven_reads_them_all() throws IOException {
      List<String> modules = all(Pattern.compile("<module>([^<]+)</module>"), read("pom.xml"), 1);
      assertThat(modules).contains("hub-wire", "hub-client-sdk", "hub-server");
      for (String image : List.of("hub-server", "projections")) {
        String dockerfile = read("ops/docker/" + image + "/Dockerfile");
        for (String module : modules) {
          assertThat(dockerfile).as("%s copies %s/pom.xml", image, module).contains("COPY " + module + "/pom.xml " + module + "/");
        }
      }
    }

    @Test
    void every_base_image_and_compose_image_is_pinned_to_an_exact_version() throws IOException {
      // x.y.z (or a JDK's 17.0.12_7): no floating tag such as 7.0, 3.9 or 17-jre, and never latest.
      Pattern exact = Pattern.compile("[^:]+:v?\\d+\\.\\d+\\.\\d+([_-][A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?");
      List<String> images = new ArrayList<>();
      for (String module : List.of("hub-server", "projections")) {
        images.addAll(all(from, read("ops/docker/" + module + "/Dockerfile"), 1));
      }
      JsonNode services = OpsFiles.yaml(OpsFiles.repo().resolve("docker-compose.yml")).path("services");
      services.forEach(service -> {
        if (!service.has("build")) {
          images.add(service.path("image").asText());
        }
      });
      assertThat(images).hasSize(7).allSatisfy(image -> assertThat(image).matches(exact));
    }

    @Test
    void every_service_has_a_health_check_in_compose_and_every_image_in_its_dockerfile() throws IOException {
      JsonNode services = OpsFiles.yaml(OpsFiles.repo().resolve("docker-compose.yml")).path("services");
      services.fields().forEachRemaining(service ->
          assertThat(service.getValue().path("healthcheck").path("test").isArray()).as(service.getKey()).isTrue());
      for (String module : List.of("hub-server", "projections")) {
        assertThat(read("ops/docker/" + module + "/Dockerfile")).as(module).containsPattern("(?m)^HEALTHCHECK ");
      }
    }

    @Test
    void the_worker_takes_its_key_from_the_environment_not_the_command_line() {
      JsonNode worker = OpsFiles.yaml(OpsFiles.repo().resolve("docker-compose.yml")).path("services").path("projections");
      assertThat(worker.path("command").toString()).doesNotContain("--api-key");
      assertThat(worker.path("environment").path("PROJECTIONS_API_KEY").asText()).isNotBlank();
    }

    @Test
    void compose_builds_our_images_and_mounts_files_that_exist() {
      JsonNode compose = OpsFiles.yaml(OpsFiles.repo().resolve("docker-compose.yml"));
      JsonNode services = compose.path("services");
      assertThat(services.fieldNames()).toIterable()
          .contains("mongodb", "hub-1", "hub-2", "projections", "prometheus", "grafana");
      for (String hub : List.of("hub-1", "hub-2")) {
        assertThat(services.path(hub).path("environment").path("HUB_STORE").asText()).isEqualTo("mongodb");
        assertThat(services.path(hub).path("environment").path("HUB_MONGODB_URI").asText()).contains("replicaSet=rs0");
      }
      assertThat(services.path("mongodb").path("command").toString()).contains("--replSet");
      services.forEach(service -> {
        if (service.has("build")) {
          assertThat(OpsFiles.repo().resolve(service.path("build").path("dockerfile").asText())).exists();
        }
        for (JsonNode volume : service.path("volumes")) {
          String source = volume.asText().split(":")[0];
          if (source.startsWith("./")) {
            assertThat(OpsFiles.repo().resolve(source)).as("mounted %s", source).exists();
          }
        }
      });
    }
  }

  @Nested
  class ComposeKeys {

    @Test
    void the_demo_keys_match_the_hubs_keys_file() throws IOException {
      // Given the keys file the compose hubs load, and each place a demo key is handed out
      ApiKeys keys = ApiKeys.load(OpsFiles.repo().resolve("ops/compose/api-keys.json"));
      String prometheusKey = read("ops/prometheus/secrets/hub-metrics.key").strip();
      JsonNode worker = OpsFiles.yaml(OpsFiles.repo().resolve("docker-compose.yml")).path("services").path("projections");
      // ${PROJECTIONS_API_KEY:-<demo key>}: the demo key unless the environment sets another.
      String workerKey = worker.path("environment").path("PROJECTIONS_API_KEY").asText()
          .replaceAll("^\\$\\{PROJECTIONS_API_KEY:-(.*)}$", "$1");
      Matcher readme = Pattern.compile("ANNALS_API_KEY=(\\S+) java -jar ops/target/annals-ops.jar loadgen")
          .matcher(read("README.md"));
      assertThat(readme.find()).as("README's loadgen line with ANNALS_API_KEY").isTrue();

      // Then each key is known to the hubs with the role its user needs
      assertThat(keys.lookup(prometheusKey)).get().extracting(Principal::role).isEqualTo(Role.READER);
      assertThat(keys.lookup(workerKey)).get().extracting(Principal::role).isEqualTo(Role.READER);
      assertThat(keys.lookup(readme.group(1))).get().satisfies(loadgen -> {
        assertThat(loadgen.role()).isEqualTo(Role.PRODUCER);
        assertThat(loadgen.services()).contains("billing", "orders", "shipping", "inventory", "accounts", "subscriptions");
      });
    }
  }

  private static List<String> all(Pattern pattern, String text, int group) {
    Matcher m = pattern.matcher(text);
    List<String> result = new ArrayList<>();
    while (m.find()) {
      result.add(m.group(group));
    }
    return result;
  }

  private static String read(String path) throws IOException {
    return Files.readString(OpsFiles.repo().resolve(path));
  }
}
