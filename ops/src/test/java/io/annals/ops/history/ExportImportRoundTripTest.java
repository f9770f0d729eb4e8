package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.PayloadMember;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 1 at the scale a test run affords (20,000 events of three types; the 1 M run is the
 * bench's, docs/history.md): a hub exported, imported into a fresh hub, and that hub exported
 * again: the same event lines (ids, meta, payload text byte for byte; {@code received_at} is the
 * new hub's, as documented), both exports verify, and a second import is all duplicates.
 */
class ExportImportRoundTripTest {

  static final int EVENTS = 20_000;

  @TempDir Path dir;

  @Test
  void a_hub_exported_imported_into_a_fresh_hub_and_exported_again_gives_equal_event_lines_and_both_exports_verify() throws Exception {
    Path first = dir.resolve("first-export");
    Path second = dir.resolve("second-export");
    try (HistoryHub source = HistoryHub.start(dir.resolve("source"))) {
      List<String> ids = source.publish(EVENTS);
      source.awaitLedger(EVENTS);
      HistoryHub.Run export = source.export("--out", first.toString(), "--segment-events", "7000");
      assertThat(export.exit()).as(export.out() + export.err()).isZero();
      assertThat(export.out()).contains(EVENTS + " events in 3 segments");
      JsonNode manifest = Manifest.read(first);
      assertThat(manifest.path("segments")).hasSize(3);
      assertThat(manifest.path("ledger").path("digest").path("tree_size").asLong()).isEqualTo(EVENTS);
      assertThat(manifest.path("ledger").path("leaf_range").path("first").asLong()).isZero();
      assertThat(manifest.path("ledger").path("leaf_range").path("last").asLong()).isEqualTo(EVENTS - 1);
      assertThat(manifest.path("erasures").path("available").asBoolean()).isFalse();
      assertThat(HistoryHub.lines(first)).hasSize(EVENTS);
      assertThat(HistoryHub.lines(first).stream().map(l -> ExportLine.parse(l).event().id())).containsExactlyInAnyOrderElementsOf(ids);
    }
    assertThat(verify(first).exit()).as(verify(first).out()).isZero();

    try (HistoryHub target = HistoryHub.start(dir.resolve("target"))) {
      HistoryHub.Run imported = target.importing(first.toString());
      assertThat(imported.exit()).as(imported.out() + imported.err()).isZero();
      assertThat(imported.out()).isEqualTo("import: " + EVENTS + " created\n");

      HistoryHub.Run again = target.importing(first.toString());
      assertThat(again.exit()).as(again.out() + again.err()).isZero();
      assertThat(again.out()).isEqualTo("import: " + EVENTS + " duplicate\n");

      target.awaitLedger(EVENTS);
      HistoryHub.Run export = target.export("--out", second.toString(), "--segment-events", "7000");
      assertThat(export.exit()).as(export.out() + export.err()).isZero();
    }
    assertThat(verify(second).exit()).as(verify(second).out()).isZero();

    Map<String, String> before = withoutReceivedAt(HistoryHub.lines(first));
    Map<String, String> after = withoutReceivedAt(HistoryHub.lines(second));
    assertThat(after).hasSize(EVENTS).isEqualTo(before);
    // received_at is the importing hub's own, as documented: it differs.
    ExportLine firstLine = ExportLine.parse(HistoryHub.lines(first).get(0));
    ExportLine sameInSecond = HistoryHub.lines(second).stream().map(ExportLine::parse)
        .filter(l -> l.event().id().equals(firstLine.event().id())).findFirst().orElseThrow();
    assertThat(sameInSecond.event().receivedAt()).isNotEqualTo(firstLine.event().receivedAt());
  }

  /** Each line by id: its meta without received_at, and its id and payload exactly as the text gave them. */
  private static Map<String, String> withoutReceivedAt(List<String> lines) throws Exception {
    Map<String, String> byId = new TreeMap<>();
    for (String line : lines) {
      JsonNode node = HubHttp.JSON.readTree(line);
      ObjectNode meta = (ObjectNode) node.get("meta");
      meta.remove("received_at");
      String payload = LeafEncoding.members(line).stream().filter(m -> m.name().equals("payload")).map(PayloadMember::valueJson)
          .findFirst().orElseThrow();
      byId.put(node.get("id").asText(), node.get("id").asText() + " " + meta + " " + payload);
    }
    return byId;
  }

  static HistoryHub.Run verify(Path export) {
    return HistoryHub.capture((out, err) -> new io.annals.ops.verify.VerifyCommand(out, err).run(new String[] {"export", export.toString()}));
  }
}
