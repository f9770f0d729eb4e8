package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.config.ConfigException;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.config.LedgerSettings;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code HUB_LEDGER}: on by default; off, the hub ingests as before, keeps no tree and says so on every /ledger endpoint. */
class LedgerSwitchTest {

  @TempDir Path dir;

  @Test
  void with_the_ledger_off_every_ledger_endpoint_answers_404_problem_saying_so_and_no_ledger_file_is_made() {
    try (TestHub hub = TestHub.configured(dir, Map.of("HUB_LEDGER", "off"))) {
      assertThat(hub.postJson(TestEvents.node(TestEvents.newId()).toString()).statusCode()).isEqualTo(201);
      for (String path : List.of("/ledger/digest", "/ledger/key", "/ledger/proof/inclusion?id=x",
          "/ledger/proof/consistency?from=1&to=1")) {
        HttpResponse<String> r = hub.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = TestEvents.parse(r.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:annals:problem:ledger-off");
        assertThat(problem.get("detail").asText()).contains("HUB_LEDGER=off");
      }
      assertThat(hub.get("/metrics").body()).as("no ledger, no lag gauge").doesNotContain("annals_ledger_lag_seconds");
    }
    assertThat(dir.resolve("ledger.db")).doesNotExist();
    assertThat(dir.resolve(LedgerKey.DATA_DIR_FILE)).doesNotExist();
  }

  @Test
  void with_the_ledger_on_the_lag_gauge_reports_a_finite_lag_once_the_tree_has_caught_up() {
    try (TestHub hub = TestHub.configured(dir, Map.of())) {
      LedgerApiContract.publish(hub, 3);
      LedgerApiContract.awaitSize(hub, 3);
      double lag = hub.metric("annals_ledger_lag_seconds");
      assertThat(lag).isFinite().isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void the_ledger_is_on_by_default_and_the_flag_wins_over_the_variable() {
    assertThat(HubConfig.ledger(Map.of(), new String[0])).isEqualTo(new LedgerSettings(true, null));
    assertThat(HubConfig.ledger(Map.of("HUB_LEDGER", "on"), new String[] {"--ledger", "off"}).on()).isFalse();
    assertThat(HubConfig.ledger(Map.of("HUB_LEDGER", "OFF", "HUB_LEDGER_KEY_FILE", "/k.pem"), new String[0]))
        .isEqualTo(new LedgerSettings(false, Path.of("/k.pem")));
  }

  @Test
  void a_ledger_setting_other_than_on_or_off_stops_start_up_naming_it() {
    assertThatThrownBy(() -> HubConfig.load(Map.of("HUB_LEDGER", "maybe"), new String[0]))
        .isInstanceOf(ConfigException.class).hasMessageContaining("HUB_LEDGER").hasMessageContaining("on or off");
    assertThatThrownBy(() -> HubConfig.ledger(Map.of(), new String[] {"--ledger", "yes"}))
        .isInstanceOf(ConfigException.class).hasMessageContaining("HUB_LEDGER");
  }
}
