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
import java.util.UUID;
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
      assertThat(manifest.path("erasures").path("available").asBoolean()).isTrue();
      assertThat(manifest.path("erasures").path("records")).isEmpty();
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

  @Test
  void a_hub_with_an_erasure_a_schema_and_extensions_round_trips_with_its_erasure_log_and_the_member_stays_erased() throws Exception {
    Path first = dir.resolve("first-export");
    Path second = dir.resolve("second-export");
    String erasureId;
    String erasedPlain;
    String erasedWithExtensions = UUID.randomUUID().toString();
    String withExtensions = UUID.randomUUID().toString();
    String late = UUID.randomUUID().toString(); // named by the erasure before it is stored: erased at ingestion
    try (HistoryHub source = HistoryHub.start(dir.resolve("source"))) {
      source.put("/schemas/shop/order-placed", "{\"schema\":{\"type\":\"object\",\"required\":[\"amount\"]},\"mode\":\"enforce\"}");
      List<String> ids = source.publish(30);
      erasedPlain = ids.get(0);
      HubHttp.Answer published = source.post("/events", "[" + withExtensions(erasedWithExtensions, "p1") + "," + withExtensions(withExtensions, "p2") + "]");
      assertThat(published.body()).contains("\"created\"").doesNotContain("\"invalid\"");
      HubHttp.Answer erased = source.post("/erasures", "{\"ids\":[\"" + erasedPlain + "\",\"" + erasedWithExtensions + "\",\"" + late
          + "\"],\"pointers\":[\"/note\"],\"reason\":\"GDPR art. 17 request 4711\"}");
      assertThat(erased.status()).as(erased.body()).isEqualTo(201);
      erasureId = erased.json().path("erasure_id").asText();
      assertThat(source.post("/events", withExtensions(late, "p3")).status()).isEqualTo(201);
      JsonNode lateStored = source.get("/events/" + late);
      assertThat(lateStored.path("payload").path("note").has("annals:erased")).as(lateStored.toString()).isTrue();
      assertThat(lateStored.path("meta").path("extensions").path("partitionkey").asText()).as(lateStored.toString()).isEqualTo("p3");
      source.awaitLedger(34); // 33 events and the hub's erasure-applied event

      HistoryHub.Run export = source.export("--out", first.toString());
      assertThat(export.exit()).as(export.out() + export.err()).isZero();
      JsonNode manifest = Manifest.read(first);
      assertThat(manifest.path("erasures").path("available").asBoolean()).isTrue();
      assertThat(manifest.path("erasures").path("records")).hasSize(1);
      assertThat(manifest.path("erasures").path("records").get(0).path("erasure_id").asText()).isEqualTo(erasureId);
      List<String> lines = HistoryHub.lines(first);
      assertThat(lines).hasSize(34);
      assertThat(lines.stream().filter(ImportCommand::hubOwn)).hasSize(1);
      String line = lines.stream().filter(l -> l.contains(erasedWithExtensions)).findFirst().orElseThrow();
      assertThat(line).contains("\"annals:erased\"").contains("\"partitionkey\":\"p1\"");
      assertThat(ExportLine.parse(line).event().event().extensions()).containsEntry("partitionkey", "p1");
    }
    HistoryHub.Run verifyFirst = verify(first);
    assertThat(verifyFirst.exit()).as(verifyFirst.out() + verifyFirst.err()).isZero();

    try (HistoryHub target = HistoryHub.start(dir.resolve("target"))) {
      HistoryHub.Run imported = target.importing(first.toString());
      assertThat(imported.exit()).as(imported.out() + imported.err()).isZero();
      assertThat(imported.out()).isEqualTo("import: 33 created, 1 skipped\n");
      assertThat(imported.err()).contains("re-applied 1 erasures");

      JsonNode log = target.get("/erasures");
      assertThat(log.path("erasures")).hasSize(1);
      assertThat(log.path("erasures").get(0).path("erasure_id").asText()).isEqualTo(erasureId);
      assertThat(log.path("erasures").get(0).path("reason").asText()).isEqualTo("GDPR art. 17 request 4711");
      for (String id : List.of(erasedPlain, erasedWithExtensions, late)) {
        JsonNode stored = target.get("/events/" + id);
        assertThat(stored.path("payload").path("note").has("annals:erased")).as(stored.toString()).isTrue();
        assertThat(stored.path("payload").path("amount").isNumber()).as(stored.toString()).isTrue();
      }
      assertThat(target.get("/events/" + erasedWithExtensions).path("meta").path("extensions").path("partitionkey").asText()).isEqualTo("p1");

      target.awaitLedger(34);
      HistoryHub.Run export = target.export("--out", second.toString());
      assertThat(export.exit()).as(export.out() + export.err()).isZero();
    }
    HistoryHub.Run verifySecond = verify(second);
    assertThat(verifySecond.exit()).as(verifySecond.out() + verifySecond.err()).isZero();
    assertThat(withoutReceivedAt(HistoryHub.lines(second))).hasSize(34).isEqualTo(withoutReceivedAt(HistoryHub.lines(first)));
  }

  /** A native event with CloudEvents extensions in its meta and a note to erase. */
  private static String withExtensions(String id, String partition) {
    return "{\"id\":\"" + id + "\",\"meta\":{\"service\":\"shop\",\"type\":\"order-placed\",\"created_at\":\"2019-04-01T10:00:00Z\","
        + "\"aggregate_id\":\"order/x-" + partition + "\",\"extensions\":{\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\","
        + "\"partitionkey\":\"" + partition + "\"}},\"payload\":{\"amount\":12.50,\"note\":\"call Jane on +44 20 7946 0958\"}}";
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
