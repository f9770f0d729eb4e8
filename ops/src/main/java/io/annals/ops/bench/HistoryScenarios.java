package io.annals.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.ops.history.ExportCommand;
import io.annals.ops.history.ImportCommand;
import io.annals.ops.history.MigrateCommand;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Scenarios (10) to (12), history that outlives its store (docs/history.md), each beside its
 * baseline in the same run: {@code export} (annals-ops export of a hub's whole history) beside
 * paging the same feed with the SDK's reader; {@code import} (annals-ops import of that export
 * into a fresh hub) beside posting the same events in batches to another fresh hub, as
 * {@code ingest-batch} does, and in turns with the same export imported through the SDK's spool; {@code migrate} (annals-ops migrate of the stopped hub's embedded
 * store to a fresh one, ledger and final checks included) beside raw inserts of as many events
 * into a fresh store of the same kind. The commands run in this JVM; the hubs in child JVMs.
 */
final class HistoryScenarios {

  static final String EXPORT = "export";
  static final String IMPORT = "import";
  static final String MIGRATE = "migrate";
  static final List<String> RESULTS = List.of(EXPORT, IMPORT, MIGRATE);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SOURCE = "history-source";
  /** Events a timed turn of {@code export} covers at least (times --scale), in whole passes. */
  static final int TURN_EVENTS = 300_000;
  /** Lines of the export deflated for the floor, at most (held in memory: 60,000 lines are about 34 MB). */
  static final int FLOOR_LINES = 60_000;

  private final Run run;
  private final int events;
  private Path exportDir;

  HistoryScenarios(Run run) {
    this.run = run;
    this.events = run.sizes().ingestEvents();
  }

  /** Fills the source hub, then runs the chosen scenarios; import needs the export, so export runs for it too. */
  void measure(Measurer measurer) throws Exception {
    BenchOptions o = run.options();
    try (MeasuredHub source = run.startHub(SOURCE)) {
      EventGenerator generator = EventGenerator.fresh(run.seed(), 10_000);
      for (int done = 0; done < events; ) {
        int chunk = Math.min(100_000, events - done);
        Load.postBatches(source.url(), run.bodies(generator.next(chunk)), IngestScenarios.BATCH_CONNECTIONS);
        done += chunk;
        run.progress("history: %,d of %,d events stored in the source hub", done, events);
      }
      awaitLedger(source);
      if (o.runs(EXPORT) || o.runs(IMPORT)) {
        measurer.measure(EXPORT, () -> export(source));
      }
      if (o.runs(IMPORT)) {
        measurer.measure(IMPORT, this::importing);
      }
    }
    if (o.runs(MIGRATE)) {
      measurer.measure(MIGRATE, this::migrate);
    }
  }

  /** How Bench measures one scenario. */
  interface Measurer {
    void measure(String name, Bench.Measurement measurement);
  }

  private void awaitLedger(MeasuredHub hub) throws IOException, InterruptedException {
    if (run.options().ledgerOff()) {
      return;
    }
    try (HttpConnection http = new HttpConnection(hub.url(), null)) {
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (JSON.readTree(http.get("/ledger/digest").body()).path("tree_size").asLong() < events) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the source hub's ledger did not reach " + events + " leaves in 30 minutes");
        }
        Thread.sleep(200);
      }
    }
  }

  /**
   * The export beside feed paging, both warmed first until the JIT compilers of the hub and of this
   * JVM (the exporter, the reader) take less than 5% of their process's CPU ({@link JitWarmUp}; a
   * slice is a turn of each), then timed in turns, feed, export, export, feed, so that drifting load
   * hits both alike. With one warm-up export, the quick run measured C2 still compiling the export
   * (it compiles through the first three or four exports of 60,000 events) where the full run's
   * million events did not (issue 26). A turn is as many whole passes (paging the feed, exporting
   * the history) as make {@link #TURN_EVENTS}: a single quick pass took a fifth of a second.
   */
  private ScenarioResult export(MeasuredHub hub) throws IOException, InterruptedException {
    int passes = (int) Math.max(1, Math.ceil(TURN_EVENTS * run.options().scale() / events));
    JitWarmUp warm = JitWarmUp.untilBoth(run, hub, "feed paging and export", Duration.ZERO, i -> {
      long start = System.nanoTime();
      pageTurn(hub, passes);
      exportTurn(hub, passes, null);
      return Duration.ofNanos(System.nanoTime() - start);
    });
    exportDir = run.workDir().resolve("history-export");
    CpuTally feedCpu = new CpuTally();
    CpuTally exportCpu = new CpuTally();
    Duration feedTime = Duration.ZERO;
    Duration exportTime = Duration.ZERO;
    Map<String, Object> perTurn = new LinkedHashMap<>();
    for (int turn = 0; turn < 4; turn++) {
      boolean exporting = turn == 1 || turn == 2; // feed, export, export, feed
      CpuTally cpu = exporting ? exportCpu : feedCpu;
      cpu.startHub(hub);
      long start = System.nanoTime();
      if (exporting) {
        exportTurn(hub, passes, turn == 1 ? exportDir : null); // the first export is kept for the import scenario
      } else {
        pageTurn(hub, passes);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      cpu.stopHub(hub);
      perTurn.put("turn_" + (turn + 1) + (exporting ? "_export" : "_feed_paging") + "_events_per_s",
          Math.round(Run.rate((long) passes * events, elapsed)));
      if (exporting) {
        exportTime = exportTime.plus(elapsed);
      } else {
        feedTime = feedTime.plus(elapsed);
      }
    }
    long measured = 2L * passes * events; // two turns each
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", events);
    details.put("passes_per_turn", passes);
    details.put("export_seconds", exportTime.toMillis() / 1000.0);
    details.put("feed_paging_seconds", feedTime.toMillis() / 1000.0);
    details.put("turns", "feed paging, export, export, feed paging; each figure over its two turns");
    details.putAll(perTurn);
    details.put("warm_up", "in slices of a turn of each side until the JIT compilers take < "
        + Math.round(100 * JitWarmUp.SETTLED_COMPILER_SHARE) + "% of the hub's and of this JVM's CPU in " + JitWarmUp.SETTLED_SLICES
        + " slices in a row, at most " + JitWarmUp.MAX.toSeconds() + " s times --scale");
    warm.addTo(details, "");
    details.put("export_bytes", directorySize(exportDir));
    details.put("hub_cpu_us_per_event_export", exportCpu.hubMicrosPerEvent(measured));
    details.put("hub_cpu_us_per_event_feed_paging", feedCpu.hubMicrosPerEvent(measured));
    details.put("hub_cpu_us_per_event_export_without_jit", exportCpu.hubMicrosPerEventWithoutJit(measured));
    details.put("hub_cpu_us_per_event_feed_paging_without_jit", feedCpu.hubMicrosPerEventWithoutJit(measured));
    details.put("hub_jit_cpu_share_export", exportCpu.hubJitShare());
    details.put("hub_jit_cpu_share_feed_paging", feedCpu.hubJitShare());
    tallyClient(details, "exporter", exportCpu, measured, "feed_reader", feedCpu, measured);
    details.put("exporter_cpu_us_per_event_without_jit", exportCpu.clientMicrosPerEventWithoutJit(measured));
    details.put("feed_reader_cpu_us_per_event_without_jit", feedCpu.clientMicrosPerEventWithoutJit(measured));
    details.put("exporter_jit_cpu_share", exportCpu.clientJitShare());
    details.put("feed_reader_jit_cpu_share", feedCpu.clientJitShare());
    floor(details, exportCpu.clientMicrosPerEventWithoutJit(measured),
        feedCpu.hubMicrosPerEvent(measured) + feedCpu.clientMicrosPerEvent(measured));
    return ScenarioResult.ratio(EXPORT, Run.rate(measured, exportTime), Run.rate(measured, feedTime), "events/s", 0.7, details);
  }

  /**
   * The same run's floor ({@link DeflateFloor}): the CPU per event of only deflating and hashing the
   * export's lines, its share of the exporter's CPU (without JIT), and the ratio an export would
   * reach if it cost feed paging (reader and hub, {@code feedMicros}) plus that floor and nothing
   * more, both saturating the same cores.
   */
  private void floor(Map<String, Object> details, double exporterMicros, double feedMicros) throws IOException {
    int lines = Math.min(events, FLOOR_LINES);
    int passes = (int) Math.max(1, Math.ceil(TURN_EVENTS * run.options().scale() / lines));
    DeflateFloor floor = DeflateFloor.measure(exportDir, lines, passes);
    details.put("floor_deflate_sha256_cpu_us_per_event", floor.cpuMicrosPerLine());
    details.put("floor_lines", floor.lines());
    details.put("floor_passes", floor.passes());
    details.put("floor_bytes_per_line", floor.bytesPerLine());
    details.put("floor_gzip_bytes_per_line", floor.gzipBytesPerLine());
    details.put("floor_share_of_exporter_cpu_without_jit", floor.cpuMicrosPerLine() / exporterMicros);
    details.put("feed_paging_cpu_us_per_event", feedMicros);
    details.put("ratio_bound_feed_paging_plus_floor", feedMicros / (feedMicros + floor.cpuMicrosPerLine()));
  }

  /** Pages the whole feed {@code passes} times with the SDK's reader. */
  private void pageTurn(MeasuredHub hub, int passes) {
    for (int i = 0; i < passes; i++) {
      long paged = ReadScenarios.page(hub, Set.of()).events();
      if (paged != events) {
        throw new IllegalStateException("paged " + paged + " of " + events + " events");
      }
    }
  }

  /** Exports the whole history {@code passes} times; the first export is kept in {@code keep}, the others deleted (all when null). */
  private void exportTurn(MeasuredHub hub, int passes, Path keep) {
    for (int i = 0; i < passes; i++) {
      Path dir = i == 0 && keep != null ? keep : run.workDir().resolve("history-export-pass");
      long exported = export(hub, dir);
      if (exported != events) {
        throw new IllegalStateException("exported " + exported + " of " + events + " events");
      }
      if (dir != keep) {
        deleteTree(dir);
      }
    }
  }

  /** {@code annals-ops export} of the hub's whole history into {@code dir}; answers the events the manifest counts. */
  private static long export(MeasuredHub hub, Path dir) {
    String out = command(ExportCommand::new, "--hub", hub.url().toString(), "--out", dir.toString());
    try {
      return JSON.readTree(dir.resolve("manifest.json").toFile()).path("events").asLong();
    } catch (IOException e) {
      throw new IllegalStateException("the export wrote no readable manifest: " + out, e);
    }
  }

  /**
   * {@code annals-ops import} of the export into a fresh hub, beside the same events posted in
   * batches to another; and, for the choice the issue asked for (docs/decisions.md), the same
   * export imported through the SDK's spool ({@link SdkImport}). The importer and the SDK take
   * turns, each into a fresh hub, importer-SDK then SDK-importer, so that load drifting on the
   * machine hits both alike; each side's figure is over its two turns.
   */
  private ScenarioResult importing() throws Exception {
    if (exportDir == null) {
      throw new IllegalStateException("no export to import: the export scenario failed");
    }
    CpuTally batchCpu = new CpuTally();
    Duration batchTime;
    try (MeasuredHub batchHub = run.startHub("history-batch")) {
      List<byte[]> bodies = bodiesOf(exportDir);
      batchCpu.startHub(batchHub);
      batchTime = Load.postBatches(batchHub.url(), bodies, IngestScenarios.BATCH_CONNECTIONS);
      batchCpu.stopHub(batchHub);
    }
    CpuTally importCpu = new CpuTally();
    CpuTally sdkCpu = new CpuTally();
    Duration importTime = Duration.ZERO;
    Duration sdkTime = Duration.ZERO;
    Map<String, Object> perTurn = new LinkedHashMap<>();
    int batch = run.sizes().batchSize();
    for (int turn = 0; turn < 4; turn++) {
      boolean sdk = turn == 1 || turn == 2; // importer, SDK, SDK, importer
      try (MeasuredHub hub = run.startHub((sdk ? "history-sdk-" : "history-import-") + turn)) {
        CpuTally cpu = sdk ? sdkCpu : importCpu;
        cpu.startHub(hub);
        long start = System.nanoTime();
        if (sdk) {
          SdkImport.Result r = SdkImport.run(hub.url(), exportDir, run.workDir().resolve("sdk-spool-" + turn), batch, events);
          if (r.created() != events || r.deadLettered() > 0) {
            throw new IllegalStateException("the SDK import did not create every event: " + r);
          }
        } else {
          String out = command(ImportCommand::new, "--hub", hub.url().toString(), exportDir.toString(), "--batch", Integer.toString(batch),
              "--progress", run.workDir().resolve("import-progress-" + turn + ".json").toString());
          if (!out.contains(events + " created")) {
            throw new IllegalStateException("the import did not create every event: " + out);
          }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        cpu.stopHub(hub);
        perTurn.put("turn_" + (turn + 1) + (sdk ? "_sdk" : "_importer") + "_events_per_s", Math.round(Run.rate(events, elapsed) * 10) / 10.0);
        if (sdk) {
          sdkTime = sdkTime.plus(elapsed);
        } else {
          importTime = importTime.plus(elapsed);
        }
        run.progress("history: import turn %d (%s): %,d events in %.1f s", turn + 1, sdk ? "SDK spool" : "importer", events,
            elapsed.toMillis() / 1000.0);
      }
    }
    long imported = 2L * events; // two turns each
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", events);
    details.put("batch_size", batch);
    details.put("import_requests_in_flight", 2);
    details.put("baseline_connections", IngestScenarios.BATCH_CONNECTIONS);
    details.put("turns", "importer, SDK, SDK, importer; each into a fresh hub");
    details.put("import_seconds", importTime.toMillis() / 1000.0);
    details.put("ingest_batch_seconds", batchTime.toMillis() / 1000.0);
    details.put("hub_cpu_us_per_event_import", importCpu.hubMicrosPerEvent(imported));
    details.put("hub_cpu_us_per_event_ingest_batch", batchCpu.hubMicrosPerEvent(events));
    details.put("sdk_import_seconds", sdkTime.toMillis() / 1000.0);
    details.put("sdk_import_events_per_s", Math.round(Run.rate(imported, sdkTime) * 10) / 10.0);
    details.putAll(perTurn);
    details.put("hub_cpu_us_per_event_sdk_import", sdkCpu.hubMicrosPerEvent(imported));
    details.put("sdk_import_to_importer_rate", Math.round(Run.rate(imported, sdkTime) / Run.rate(imported, importTime) * 1000) / 1000.0);
    tallyClient(details, "importer", importCpu, imported, "batch_poster", batchCpu, events);
    Map<String, Object> sdkClient = new LinkedHashMap<>();
    sdkCpu.addTo(sdkClient, imported, 0);
    details.put("sdk_importer_cpu_us_per_event", sdkClient.get("load_generator_cpu_us_per_event"));
    return ScenarioResult.ratio(IMPORT, Run.rate(imported, importTime), Run.rate(events, batchTime), "events/s", 0.7, details);
  }

  private ScenarioResult migrate() throws IOException {
    if (run.options().mongodbUri() != null) {
      throw new IllegalStateException("migrate is measured on the embedded store only (HUB_MONGODB_URI is set)");
    }
    Path source = run.workDir().resolve(SOURCE);
    Path target = run.workDir().resolve("history-migrated");
    long cpuStart = Cpu.ownNanos();
    long start = System.nanoTime();
    String out = command(MigrateCommand::new, "--from", "embedded:" + source, "--to", "embedded:" + target);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    long migrateCpu = Cpu.ownNanos() - cpuStart;
    if (!out.contains("counts equal (" + events + ")")) {
      throw new IllegalStateException("the migration did not end equal: " + out);
    }
    EventGenerator generator = EventGenerator.fresh(run.seed(), 10_000);
    Duration rawTime = Duration.ZERO;
    CpuTally rawCpu = new CpuTally();
    try (RawStore raw = run.target().openRaw("history-raw")) {
      for (int done = 0; done < events; ) {
        List<BenchEvent> chunk = generator.next(Math.min(100_000, events - done));
        rawCpu.startRaw();
        rawTime = rawTime.plus(raw.insert(chunk, 1000));
        rawCpu.stopRaw();
        done += chunk.size();
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", events);
    details.put("migrate_seconds", elapsed.toMillis() / 1000.0);
    details.put("raw_insert_seconds", rawTime.toMillis() / 1000.0);
    details.put("migrate_includes", "events, ledger leaves and nodes, count and root comparison, every target leaf recomputed");
    details.put("migrate_cpu_us_per_event", migrateCpu / 1000.0 / events);
    rawCpu.addTo(details, 0, events);
    return ScenarioResult.ratio(MIGRATE, Run.rate(events, elapsed), Run.rate(events, rawTime), "events/s", 0.5, details);
  }

  private static void tallyClient(Map<String, Object> details, String figure, CpuTally figureCpu, long figureEvents, String baseline,
      CpuTally baselineCpu, long baselineEvents) {
    Map<String, Object> a = new LinkedHashMap<>();
    figureCpu.addTo(a, figureEvents, 0);
    Map<String, Object> b = new LinkedHashMap<>();
    baselineCpu.addTo(b, baselineEvents, 0);
    details.put(figure + "_cpu_us_per_event", a.get("load_generator_cpu_us_per_event"));
    details.put(baseline + "_cpu_us_per_event", b.get("load_generator_cpu_us_per_event"));
  }

  /** The export's events as batch bodies of the run's batch size, each event as import sends it. */
  private List<byte[]> bodiesOf(Path export) throws IOException {
    List<byte[]> bodies = new ArrayList<>();
    StringBuilder body = new StringBuilder("[");
    int inBody = 0;
    for (JsonNode s : JSON.readTree(export.resolve("manifest.json").toFile()).path("segments")) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(export.resolve(
          s.path("file").asText()))), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          JsonNode e = JSON.readTree(line);
          ((com.fasterxml.jackson.databind.node.ObjectNode) e).remove("ledger");
          body.append(inBody == 0 ? "" : ",").append(e);
          if (++inBody == run.sizes().batchSize()) {
            bodies.add(body.append(']').toString().getBytes(StandardCharsets.UTF_8));
            body = new StringBuilder("[");
            inBody = 0;
          }
        }
      }
    }
    if (inBody > 0) {
      bodies.add(body.append(']').toString().getBytes(StandardCharsets.UTF_8));
    }
    return bodies;
  }

  /** Runs the command made with these output streams; answers what it printed; throws with its output when it fails. */
  private static String command(java.util.function.BiFunction<PrintStream, PrintStream, io.annals.ops.Command> make, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      exit = make.apply(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    if (exit != 0) {
      throw new IllegalStateException("exit " + exit + ": " + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path dir) {
    try {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long directorySize(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
