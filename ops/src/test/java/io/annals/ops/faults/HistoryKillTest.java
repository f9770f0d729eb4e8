package io.annals.ops.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.ops.history.ExportLine;
import io.annals.ops.history.HistoryHub;
import io.annals.ops.history.Manifest;
import io.annals.ops.verify.VerifyCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 3: {@code annals-ops export} and {@code import}, each run in a real child JVM and killed
 * with SIGKILL at five random points of its progress, then run once more to the end: nothing is
 * missing and nothing is there twice (the export's lines, the hub's events, the rejects file).
 */
class HistoryKillTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final int EVENTS = 20_000;
  static final int KILLS = 5;

  @TempDir Path dir;
  final long seed = System.nanoTime();
  final Random random = new Random(seed);

  /** Starts the command, kills it once {@code reached} holds (polled every 5 ms), asserting it was still running then. */
  private void killWhen(String name, BooleanSupplier reached, String... args) throws Exception {
    OpsChild child = OpsChild.start(dir, name, null, "io.annals.ops.Main", args);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!reached.getAsBoolean()) {
      assertThat(child.isAlive()).as(name + " ended before the kill point (seed " + seed + "): " + Files.readString(child.err())).isTrue();
      assertThat(System.nanoTime()).as(name + " reaches its kill point").isLessThan(deadline);
      Thread.sleep(5);
    }
    Thread.sleep(random.nextInt(30));
    assertThat(child.isAlive()).as(name + " still running when killed (seed " + seed + ")").isTrue();
    child.kill();
  }

  /**
   * Kills the command {@link #KILLS} times, each at a random point up to 3,000 lines or events past
   * where the last run got ({@code done}), so at most 15,000 of the 20,000 are reached by the kills.
   */
  private void killFiveTimes(String name, java.util.function.LongSupplier done, String... args) throws Exception {
    for (int kill = 0; kill < KILLS; kill++) {
      long target = done.getAsLong() + 1 + random.nextInt(3000);
      killWhen(name + "-" + kill, () -> done.getAsLong() >= target, args);
    }
  }

  private static OpsChild.Ended runToEnd(Path dir, String name, String... args) throws Exception {
    return OpsChild.start(dir, name, null, "io.annals.ops.Main", args).await(300);
  }

  @Test
  void an_export_killed_five_times_at_random_points_ends_complete_with_every_event_once() throws Exception {
    Path out = dir.resolve("export");
    try (HistoryHub hub = HistoryHub.start(dir.resolve("hub"))) {
      List<String> ids = hub.publish(EVENTS);
      hub.awaitLedger(EVENTS);
      String[] export = {"export", "--hub", hub.url(), "--out", out.toString(), "--segment-events", "500", "--page", "250"};
      int segmentsBefore = 0;
      for (int kill = 0; kill < KILLS; kill++) {
        int target = segmentsBefore + 1 + random.nextInt(6); // 40 segments in all: at most 5 × 6 = 30 reached by the kills
        killWhen("export-" + kill, () -> segments(out) >= target, export);
        int now = segments(out);
        assertThat(now).as("the export got further before kill " + kill).isGreaterThanOrEqualTo(target);
        segmentsBefore = now;
      }
      OpsChild.Ended last = runToEnd(dir, "export-last", export);
      assertThat(last.exit()).as(last.err()).isZero();
      assertThat(last.err()).contains("continuing the export");
    }
    List<String> exported = new ArrayList<>();
    for (String line : HistoryHub.lines(out)) {
      exported.add(ExportLine.parse(line).event().id());
    }
    assertThat(exported).hasSize(EVENTS).doesNotHaveDuplicates();
    assertThat(Files.list(out).filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
    HistoryHub.Run verified = HistoryHub.capture((o, e) -> new VerifyCommand(o, e).run(new String[] {"export", out.toString()}));
    assertThat(verified.exit()).as(verified.out()).isZero();
  }

  @Test
  void a_legacy_import_killed_five_times_at_random_points_stores_every_good_line_once_and_rejects_every_bad_line_once() throws Exception {
    Path legacy = dir.resolve("legacy.ndjson");
    StringBuilder lines = new StringBuilder();
    int bad = 0;
    for (int i = 0; i < EVENTS; i++) {
      String line = io.annals.ops.history.LegacyImportFixture.line(i);
      bad += io.annals.ops.history.LegacyImportFixture.isBad(i) ? 1 : 0;
      lines.append(line).append('\n');
    }
    Files.writeString(legacy, lines);
    Path progress = dir.resolve("legacy.ndjson.import-progress.json");
    try (HistoryHub hub = HistoryHub.start(dir.resolve("hub"))) {
      String[] importing = {"import", "--hub", hub.url(), legacy.toString(), "--id-from", "/order_no", "--created-at-from", "/placed",
          "--service", "legacy-shop", "--type", "order-placed", "--aggregate-id", "/shop", "--batch", "200"};
      killFiveTimes("import", () -> progressLine(progress), importing);
      OpsChild.Ended last = runToEnd(dir, "import-last", importing);
      assertThat(last.exit()).as(last.err()).isEqualTo(65);
      assertThat(last.err()).contains("continuing after line");
      assertThat(hub.get("/feed/lag").path("events").asLong()).isEqualTo(EVENTS - bad);
      List<String> rejects = Files.readAllLines(dir.resolve("legacy.ndjson.rejects.ndjson"));
      assertThat(rejects).hasSize(bad);
      List<Long> rejectedLines = new ArrayList<>();
      for (String r : rejects) {
        rejectedLines.add(JSON.readTree(r).path("line").asLong());
      }
      assertThat(rejectedLines).doesNotHaveDuplicates();
      assertThat(new HashSet<>(rejectedLines)).hasSize(bad);
    }
  }

  @Test
  void a_migration_killed_five_times_at_random_points_ends_with_every_event_once_and_the_same_ledger_root() throws Exception {
    Path from = dir.resolve("from");
    Path to = dir.resolve("to");
    String root;
    try (HistoryHub hub = HistoryHub.start(from)) {
      hub.publish(EVENTS);
      hub.awaitLedger(EVENTS);
      root = hub.get("/ledger/digest").path("root_hash").asText();
    }
    Path state = dir.resolve("migrate-state.json");
    String[] migrate = {"migrate", "--from", "embedded:" + from, "--to", "embedded:" + to, "--state", state.toString(), "--batch", "200"};
    killFiveTimes("migrate", () -> copied(state), migrate);
    OpsChild.Ended last = runToEnd(dir, "migrate-last", migrate);
    assertThat(last.exit()).as(last.out() + last.err()).isZero();
    assertThat(last.err()).contains("continuing after");
    assertThat(last.out()).contains("counts equal (" + EVENTS + ")").contains("ledger root " + root + " of " + EVENTS + " leaves on both sides");
    try (io.annals.hub.server.store.sqlite.SqliteEventStore a = io.annals.hub.server.store.sqlite.SqliteEventStore.open(from);
        io.annals.hub.server.store.sqlite.SqliteEventStore b = io.annals.hub.server.store.sqlite.SqliteEventStore.open(to)) {
      assertThat(io.annals.ops.history.MigrateFixture.all(b)).isEqualTo(io.annals.ops.history.MigrateFixture.all(a));
    }
  }

  private static long copied(Path state) {
    try {
      return JSON.readTree(state.toFile()).path("copied").asLong();
    } catch (Exception e) {
      return 0;
    }
  }

  private static int segments(Path export) {
    try {
      return Files.isRegularFile(export.resolve("manifest.json")) ? Manifest.read(export).path("segments").size() : 0;
    } catch (RuntimeException e) {
      return 0; // being replaced at this instant: read again
    }
  }

  private static long progressLine(Path progress) {
    try {
      JsonNode p = JSON.readTree(progress.toFile());
      return p.path("line").asLong();
    } catch (Exception e) {
      return 0;
    }
  }
}
