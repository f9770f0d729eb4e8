package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.ops.verify.VerifyCommand;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export's options beyond the whole history: some types, a finished export run again, another filter into the same directory. */
class ExportCommandTest {

  @TempDir Path dir;

  @Test
  void an_export_of_one_type_holds_only_its_events_each_leaf_checked_and_says_the_root_was_not() throws Exception {
    Path out = dir.resolve("orders");
    try (HistoryHub hub = HistoryHub.start(dir.resolve("hub"))) {
      hub.publish(30);
      hub.awaitLedger(30);
      HistoryHub.Run run = hub.export("--out", out.toString(), "--types", "payment-completed", "--segment-events", "4");
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("10 events in 3 segments");

      List<String> lines = HistoryHub.lines(out);
      assertThat(lines).hasSize(10).allSatisfy(l -> assertThat(l).contains("\"type\":\"payment-completed\""));
      JsonNode range = Manifest.read(out).path("ledger").path("leaf_range");
      assertThat(range.path("contiguous").asBoolean()).isFalse();
      assertThat(range.path("first").asLong()).isEqualTo(ExportLine.parse(lines.get(0)).leafIndex());

      HistoryHub.Run verified = HistoryHub.capture((o, e) -> new VerifyCommand(o, e).run(new String[] {"export", out.toString()}));
      assertThat(verified.exit()).as(verified.out()).isZero();
      assertThat(verified.out()).startsWith("valid: 10 events; each leaf recomputed").contains("the root was not recomputed");

      HistoryHub.Run again = hub.export("--out", out.toString(), "--types", "payment-completed", "--segment-events", "4");
      assertThat(again.exit()).isZero();
      assertThat(again.out()).isEqualTo("export: " + out + " is complete already: 10 events\n");

      HistoryHub.Run other = hub.export("--out", out.toString(), "--types", "order-placed");
      assertThat(other.exit()).isEqualTo(ExportCommand.USAGE);
      assertThat(other.err()).contains("holds an export of").contains("give another --out");
    }
  }

  @Test
  void the_erasure_log_is_read_page_by_page_with_limit_and_cursor_as_the_hub_pages_it() throws Exception {
    try (HistoryHub hub = HistoryHub.start(dir.resolve("hub"))) {
      List<String> ids = hub.publish(5);
      List<String> erasures = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        HubHttp.Answer a = hub.post("/erasures", "{\"ids\":[\"" + ids.get(i) + "\"],\"pointers\":[\"/note\"],\"reason\":\"request " + i + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        erasures.add(a.json().path("erasure_id").asText());
      }
      // Pages of 2: three requests, the second and third with the cursor the one before answered.
      JsonNode log = ExportCommand.erasures(new HubHttp(hub.url(), null, HubHttp::sleep), 2);
      assertThat(log.path("available").asBoolean()).isTrue();
      List<String> read = new java.util.ArrayList<>();
      log.path("records").forEach(r -> read.add(r.path("erasure_id").asText()));
      assertThat(read).containsExactlyInAnyOrderElementsOf(erasures).doesNotHaveDuplicates();
      assertThat(log.path("records").get(0).path("requested_by").isTextual()).isTrue();
      assertThat(log.path("records").get(0).path("requested_at").isTextual()).isTrue();
    }
  }

  @Test
  void a_hub_that_cannot_be_reached_exits_69_and_bad_options_2() {
    HistoryHub.Run unreachable = HistoryHub.capture((o, e) -> new ExportCommand(o, e, java.util.Map.of(), java.time.Clock.systemUTC(),
        millis -> { }, false).run(new String[] {"--hub", "http://127.0.0.1:1", "--out", dir.resolve("x").toString()}));
    assertThat(unreachable.exit()).isEqualTo(ExportCommand.UNAVAILABLE);
    assertThat(unreachable.err()).contains("cannot reach http://127.0.0.1:1");
    HistoryHub.Run bad = HistoryHub.capture((o, e) -> new ExportCommand(o, e).run(new String[] {"--hub", "http://x", "--out", "y",
        "--from", "yesterday"}));
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--from must be an ISO-8601 time");
  }
}
