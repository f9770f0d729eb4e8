package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.PayloadMember;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 1: a hub with events of three types, schemas registered and an erasure applied,
 * exported, imported into a fresh hub, and that hub exported again: the same event lines (ids,
 * meta, payload text byte for byte; {@code received_at} is the new hub's, as documented), both
 * exports verify, and a second import is all duplicates. 20,000 events in a test run; the issue's
 * 1 M is the same test with {@code -Dannals.roundtrip.events=1000000} (docs/history.md, "Proofs"),
 * which prints the time and rate of each step.
 */
class ExportImportRoundTripTest {

  /** How many events the scaled round trip publishes: a system property, so that the same test makes the 1 M run. */
  static final int EVENTS = Integer.getInteger("annals.roundtrip.events", 20_000);
  /** Small segments at test size, so that several are written and resumed across; 100,000 (the default) at scale. */
  static final int SEGMENT = EVENTS <= 100_000 ? 7000 : 100_000;

  @TempDir Path dir;

  @Test
  void a_hub_with_schemas_and_an_erasure_exported_imported_into_a_fresh_hub_and_exported_again_gives_equal_event_lines_and_both_exports_verify()
      throws Exception {
    Path first = dir.resolve("first-export");
    Path second = dir.resolve("second-export");
    int lines = EVENTS + 1; // and the hub's erasure-applied event
    Steps steps = new Steps();
    List<String> erasedIds;
    try (HistoryHub source = HistoryHub.start(dir.resolve("source"))) {
      source.put("/schemas/shop/order-placed", "{\"schema\":{\"type\":\"object\",\"required\":[\"amount\",\"note\"]},\"mode\":\"enforce\"}");
      source.put("/schemas/shop/parcel-shipped", "{\"schema\":{\"type\":\"object\",\"required\":[\"lines\"]},\"mode\":\"quarantine\"}");
      List<String> ids = steps.time("publish", EVENTS, () -> source.publish(EVENTS));
      erasedIds = List.of(ids.get(0), ids.get(EVENTS / 2), ids.get(EVENTS - 1));
      HubHttp.Answer erased = source.post("/erasures", "{\"ids\":[\"" + String.join("\",\"", erasedIds)
          + "\"],\"pointers\":[\"/note\"],\"reason\":\"request 17\"}");
      assertThat(erased.status()).as(erased.body()).isEqualTo(201);
      steps.time("ledger of the source", lines, () -> {
        source.awaitLedger(lines);
        return null;
      });
      HistoryHub.Run export = steps.time("export", lines, () -> source.export("--out", first.toString(), "--segment-events",
          Integer.toString(SEGMENT)));
      int segments = (lines + SEGMENT - 1) / SEGMENT;
      assertThat(export.exit()).as(export.out() + export.err()).isZero();
      assertThat(export.out()).contains(lines + " events in " + segments + " segments");
      JsonNode manifest = Manifest.read(first);
      assertThat(manifest.path("segments")).hasSize(segments);
      assertThat(manifest.path("ledger").path("digest").path("tree_size").asLong()).isEqualTo(lines);
      assertThat(manifest.path("ledger").path("leaf_range").path("first").asLong()).isZero();
      assertThat(manifest.path("ledger").path("leaf_range").path("last").asLong()).isEqualTo(lines - 1);
      assertThat(manifest.path("erasures").path("available").asBoolean()).isTrue();
      assertThat(manifest.path("erasures").path("records")).hasSize(1);
      Set<String> exported = new HashSet<>();
      HistoryHub.forEachLine(first, l -> exported.add(ExportLine.parse(l).event().id()));
      assertThat(exported).hasSize(lines);
      // Looked up in the set, not with containsAll (AssertJ compares each with each: hours at 1 M).
      assertThat(ids.stream().filter(id -> !exported.contains(id)).limit(5).toList()).as("published events not in the export").isEmpty();
    }
    HistoryHub.Run verifyFirst = steps.time("verify export", lines, () -> verify(first));
    assertThat(verifyFirst.exit()).as(verifyFirst.out() + verifyFirst.err()).isZero();

    try (HistoryHub target = HistoryHub.start(dir.resolve("target"))) {
      HistoryHub.Run imported = steps.time("import", lines, () -> target.importing(first.toString()));
      assertThat(imported.exit()).as(imported.out() + imported.err()).isZero();
      assertThat(imported.out()).isEqualTo("import: " + EVENTS + " created, 1 skipped\n");
      assertThat(imported.err()).contains("re-applied 1 erasures");
      for (String id : erasedIds) {
        JsonNode stored = target.get("/events/" + id);
        assertThat(stored.path("payload").path("note").has("annals:erased")).as(stored.toString()).isTrue();
      }

      HistoryHub.Run again = steps.time("import again", lines, () -> target.importing(first.toString()));
      assertThat(again.exit()).as(again.out() + again.err()).isZero();
      assertThat(again.out()).isEqualTo("import: " + EVENTS + " duplicate, 1 skipped\n");

      steps.time("ledger of the target", lines, () -> {
        target.awaitLedger(lines);
        return null;
      });
      HistoryHub.Run export = steps.time("export again", lines, () -> target.export("--out", second.toString(), "--segment-events",
          Integer.toString(SEGMENT)));
      assertThat(export.exit()).as(export.out() + export.err()).isZero();
    }
    HistoryHub.Run verifySecond = steps.time("verify the second export", lines, () -> verify(second));
    assertThat(verifySecond.exit()).as(verifySecond.out() + verifySecond.err()).isZero();

    // Compared line by line without holding both exports: the first by id, then each line of the second taken off it.
    Map<String, String> before = new HashMap<>();
    HistoryHub.forEachLine(first, l -> before.put(ExportLine.parse(l).event().id(), withoutReceivedAt(l)));
    List<String> firstLines = new ArrayList<>();
    HistoryHub.forEachLine(first, l -> {
      if (firstLines.isEmpty()) {
        firstLines.add(l);
      }
    });
    List<String> differing = new ArrayList<>();
    int[] seen = {0};
    HistoryHub.forEachLine(second, l -> {
      seen[0]++;
      String mine = withoutReceivedAt(l);
      String theirs = before.remove(mine.substring(0, mine.indexOf(' ')));
      if (!mine.equals(theirs) && differing.size() < 5) {
        differing.add(mine + "\n  first export: " + theirs);
      }
    });
    assertThat(differing).as("lines of the second export unlike the first's").isEmpty();
    assertThat(seen[0]).isEqualTo(lines);
    assertThat(before).as("lines of the first export missing from the second").isEmpty();
    // received_at is the importing hub's own, as documented: it differs.
    ExportLine firstLine = ExportLine.parse(firstLines.get(0));
    List<ExportLine> sameInSecond = new ArrayList<>();
    HistoryHub.forEachLine(second, l -> {
      if (l.contains(firstLine.event().id())) {
        sameInSecond.add(ExportLine.parse(l));
      }
    });
    assertThat(sameInSecond).hasSize(1);
    assertThat(sameInSecond.get(0).event().receivedAt()).isNotEqualTo(firstLine.event().receivedAt());
    System.out.println(steps.report(EVENTS));
  }

  /** Times each step of the round trip, for the 1 M run's figures (printed, never asserted). */
  private static final class Steps {
    private final StringBuilder lines = new StringBuilder();

    <T> T time(String step, long events, java.util.concurrent.Callable<T> body) throws Exception {
      long start = System.nanoTime();
      long cpuStart = cpuNanos();
      T result = body.call();
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuMicros = (cpuNanos() - cpuStart) / 1e3 / events;
      lines.append(String.format(java.util.Locale.ROOT, "  %-26s %,10d events %9.1f s %,10.0f events/s %7.1f CPU us/event (this JVM: hub and command)%n",
          step, events, seconds, events / seconds, cpuMicros));
      return result;
    }

    /** This JVM's CPU time (hub and command share it here), 0 where the platform does not say. */
    private static long cpuNanos() {
      return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
          ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    String report(int events) {
      return "round trip of " + String.format(java.util.Locale.ROOT, "%,d", events) + " events:\n" + lines;
    }
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
  private static Map<String, String> withoutReceivedAt(List<String> lines) {
    Map<String, String> byId = new TreeMap<>();
    for (String line : lines) {
      String normal = withoutReceivedAt(line);
      byId.put(normal.substring(0, normal.indexOf(' ')), normal);
    }
    return byId;
  }

  /** One line as "id meta-without-received_at payload-text". */
  private static String withoutReceivedAt(String line) {
    try {
      JsonNode node = HubHttp.JSON.readTree(line);
      ObjectNode meta = (ObjectNode) node.get("meta");
      meta.remove("received_at");
      String payload = LeafEncoding.members(line).stream().filter(m -> m.name().equals("payload")).map(PayloadMember::valueJson)
          .findFirst().orElseThrow();
      return node.get("id").asText() + " " + meta + " " + payload;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static HistoryHub.Run verify(Path export) {
    return HistoryHub.capture((out, err) -> new io.annals.ops.verify.VerifyCommand(out, err).run(new String[] {"export", export.toString()}));
  }
}
