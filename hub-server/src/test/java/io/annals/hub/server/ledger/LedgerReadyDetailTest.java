package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.Await;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ledger} detail of {@code /health/ready}: the tree, what is behind it, the scrub's last
 * pass and a mismatch it found; readiness itself stays the store's (a mismatch is still 200).
 */
class LedgerReadyDetailTest {

  @TempDir Path dir;

  private static JsonNode ready(TestHub hub) {
    HttpResponse<String> r = hub.get("/health/ready");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = TestEvents.parse(r.body());
    assertThat(body.get("status").asText()).isEqualTo("ready");
    return body.get("ledger");
  }

  @Test
  void the_ready_answer_shows_the_tree_nothing_behind_and_a_clean_scrub_pass_then_a_changed_event_as_a_mismatch()
      throws Exception {
    try (TestHub hub = TestHub.sqlite(dir)) {
      List<String> ids = LedgerApiContract.publish(hub, 5);
      LedgerApiContract.awaitSize(hub, 5);
      Await.until("a scrub pass over the 5 leaves", () -> ready(hub).path("scrub").path("last_pass").path("leaves_checked").asLong() == 5);
      JsonNode ledger = ready(hub);
      assertThat(ledger.get("status").asText()).isEqualTo("ok");
      assertThat(ledger.get("tree_size").asLong()).isEqualTo(5);
      assertThat(ledger.get("leaves_behind").asInt()).isZero();
      assertThat(ledger.get("lag_seconds").isNumber()).as(ledger.toString()).isTrue();
      JsonNode pass = ledger.get("scrub").get("last_pass");
      assertThat(pass.get("mismatches").asInt()).isZero();
      assertThat(pass.get("finished_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
      assertThat(ledger.get("scrub").has("mismatch")).isFalse();

      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteEventStore.FILE_NAME));
          var s = c.prepareStatement("UPDATE events SET payload = replace(payload, 'person2@', 'persoN2@') WHERE id = ?")) {
        s.setString(1, ids.get(2));
        assertThat(s.executeUpdate()).isEqualTo(1);
      }

      Await.until("the scrub shows the changed event", () -> ready(hub).get("status").asText().equals("mismatch"));
      JsonNode found = ready(hub);
      JsonNode mismatch = found.get("scrub").get("mismatch");
      assertThat(mismatch.get("leaf_index").asLong()).isEqualTo(2);
      assertThat(mismatch.get("event_id").asText()).isEqualTo(ids.get(2));
      assertThat(mismatch.get("reason").asText()).contains("changed");
      assertThat(found.get("scrub").get("last_pass").get("mismatches").asInt()).isEqualTo(1);
    }
  }

  @Test
  void with_the_ledger_off_the_ready_answer_says_so() {
    try (TestHub hub = TestHub.configured(dir, Map.of("HUB_LEDGER", "off"))) {
      assertThat(ready(hub).get("status").asText()).isEqualTo("off");
    }
  }
}
