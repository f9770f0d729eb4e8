package io.annals.ops.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.ops.Command;
import io.annals.ops.history.HubHttp.HubException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * {@code import --hub URL SOURCE}: an export directory, or a legacy NDJSON / NDJSON.gz file, sent
 * to the hub in batches ({@code POST /events} with a JSON array). Idempotent: ids are kept (an
 * export's) or derived from a legacy key ({@code --id-from}, UUIDv5), so a second run answers
 * {@code duplicate} for every event. Resumable: after each batch the hub acknowledged, a progress
 * file ({@code SOURCE.import-progress.json}) records the line reached and the length of the rejects
 * file, so a rerun after {@code kill -9} sends again at most the batch that was under way (the hub
 * answers duplicate for what it already has) and never writes a reject twice. What the hub refused
 * ({@code invalid}, {@code conflict}, {@code forbidden}) and lines that are no event at all go to the
 * rejects file ({@code SOURCE.rejects.ndjson}: file, line number, id, outcome, errors).
 *
 * <p>Importing an export first re-applies its erasure log ({@code POST /erasures} with each record's
 * own {@code erasure_id}, so it is idempotent), then its events; the hub's own events (service
 * {@code annals}, e.g. {@code erasure-applied}) are skipped and counted as such: nobody may publish
 * them, and re-applying the erasure log re-created them with the same ids. Exits 0 when every event was
 * created or a duplicate, 65 when some were rejected (see the rejects file), 2 on bad options, 69
 * when the hub refused the requests or could not be reached, 74 when a file cannot be read or
 * written.
 */
public final class ImportCommand implements Command {

  static final int OK = Cli.OK;
  static final int USAGE = Cli.USAGE;
  static final int REJECTS = 65;
  static final int UNAVAILABLE = Cli.UNAVAILABLE;
  static final int IO_ERROR = Cli.IO_ERROR;
  static final String USAGE_TEXT = "usage: import --hub URL [--api-key KEY] SOURCE [--batch N (500)] [--rejects FILE] [--progress FILE]\n"
      + "  SOURCE: an export directory (annals-ops export), or NDJSON / NDJSON.gz (one event or legacy record a line), with\n"
      + "    --id-from POINTER        the id is the UUIDv5 of this legacy key (namespace in docs/history.md)\n"
      + "    --created-at-from POINTER, --service V|POINTER, --type V|POINTER, --aggregate-id V|POINTER, --payload-from POINTER\n"
      + "  a POINTER is a JSON pointer into the line (/order/id); a rerun continues an interrupted import";

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final LongConsumer sleeper;
  private final boolean terminal;

  public ImportCommand() {
    this(System.out, System.err, System.getenv(), HubHttp::sleep, Progress.onTerminal());
  }

  /** Plain progress lines to {@code err}, no API key from the environment: for the bench. */
  public ImportCommand(PrintStream out, PrintStream err) {
    this(out, err, Map.of(), HubHttp::sleep, false);
  }

  ImportCommand(PrintStream out, PrintStream err, Map<String, String> env, LongConsumer sleeper, boolean terminal) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.sleeper = sleeper;
    this.terminal = terminal;
  }

  @Override
  public String summary() {
    return "send an export or a legacy NDJSON(.gz) file to a hub, idempotent and resumable: --hub URL SOURCE [--id-from /key]";
  }

  /** One file of the source: an export's segment, or the legacy file. */
  private record Unit(Path file, boolean export) {}

  /**
   * A line in the batch: where it came from, and the event to send or why the line is no event;
   * neither for a hub's own ({@code annals}) event, which is skipped.
   */
  private record Pending(int unit, long line, String event, String unreadable) {
    boolean skipped() {
      return event == null && unreadable == null;
    }
  }

  /** The hub's own service: nobody may publish it; re-applying the erasure log re-creates its events with the same ids. */
  static final String HUB_SERVICE = "annals";

  @Override
  public int run(String[] args) {
    return Cli.run("import", USAGE_TEXT, args, Set.of("--hub", "--api-key", "--batch", "--rejects", "--progress", "--id-from",
        "--created-at-from", "--service", "--type", "--aggregate-id", "--payload-from"), out, err, this::importSource);
  }

  private int importSource(Options o) {
    String hubUrl = o.required("--hub");
    if (o.positional().size() != 1) {
      throw new IllegalArgumentException("give one SOURCE: an export directory or an NDJSON file");
    }
    Path source = Path.of(o.positional().get(0));
    int batch = Math.min(1000, o.positive("--batch", 500));
    for (String pointer : List.of("--id-from", "--created-at-from", "--payload-from")) {
      if (o.get(pointer) != null && !o.get(pointer).startsWith("/")) {
        throw new IllegalArgumentException(pointer + " takes a JSON pointer such as /order/id, was: " + o.get(pointer));
      }
    }
    boolean export = Manifest.isExport(source);
    if (!export && !Files.isRegularFile(source)) {
      throw new IllegalArgumentException(source + " is neither an export directory (with manifest.json) nor a file");
    }
    LegacyMapping mapping = new LegacyMapping(o.get("--id-from"), o.get("--created-at-from"), o.get("--service"), o.get("--type"),
        o.get("--aggregate-id"), o.get("--payload-from"));
    if (export && (o.get("--id-from") != null || o.get("--created-at-from") != null || o.get("--payload-from") != null)) {
      throw new IllegalArgumentException("an export keeps its ids and times: --id-from, --created-at-from and --payload-from are for legacy files");
    }
    Path base = export ? source.resolve("import") : source;
    Path rejects = Path.of(o.get("--rejects", base + ".rejects.ndjson"));
    Path progressFile = Path.of(o.get("--progress", base + ".import-progress.json"));
    List<Unit> units = new ArrayList<>();
    ObjectNode manifest = null;
    if (export) {
      manifest = Manifest.read(source);
      if (!manifest.path("complete").asBoolean()) {
        throw new IllegalArgumentException(source + " is an export that did not finish: run the export again first");
      }
      for (JsonNode s : manifest.path("segments")) {
        units.add(new Unit(source.resolve(s.path("file").asText()), true));
      }
    } else {
      units.add(new Unit(source, false));
    }
    HubHttp hub = new HubHttp(hubUrl, o.apiKey(env), sleeper);
    ImportProgress state = ImportProgress.load(progressFile, source, hubUrl);
    if (state.fresh()) {
      truncate(rejects, 0);
    } else {
      err.println("import: continuing after line " + state.line() + " of " + units.get(state.unit()).file().getFileName()
          + " (" + progressFile + ")");
      truncate(rejects, state.rejectsBytes());
    }
    if (export && state.fresh()) {
      reapplyErasures(hub, manifest);
    }
    long total = manifest == null ? 0 : manifest.path("events").asLong();
    Progress progress = new Progress(err, terminal, "events", state.tally().values().stream().mapToLong(Long::longValue).sum(), total,
        System::nanoTime);
    try (Writer rejectsOut = Files.newBufferedWriter(rejects, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      Sender sender = new Sender(hub, state, progressFile, rejects, rejectsOut, units, progress, batch);
      try {
        for (int u = state.unit(); u < units.size(); u++) {
          Unit unit = units.get(u);
          long skip = u == state.unit() ? state.line() : 0;
          try (BufferedReader lines = open(unit.file())) {
            String line;
            long number = 0;
            while ((line = lines.readLine()) != null) {
              number++;
              if (number <= skip || line.isBlank()) {
                continue;
              }
              if (unit.export()) {
                sender.add(hubOwn(line) ? new Pending(u, number, null, null) : new Pending(u, number, PageEvents.withoutLedger(line), null));
              } else {
                try {
                  sender.add(new Pending(u, number, mapping.event(line), null));
                } catch (LegacyMapping.BadLine bad) {
                  sender.add(new Pending(u, number, null, bad.getMessage()));
                }
              }
            }
          }
        }
        sender.finish();
      } finally {
        sender.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write: " + e.getMessage(), e);
    }
    progress.finish();
    state.complete(progressFile);
    Map<String, Long> tally = state.tally();
    out.println("import: " + summary(tally) + (tally.getOrDefault("rejected", 0L) > 0 ? "; rejects in " + rejects : ""));
    return tally.getOrDefault("rejected", 0L) > 0 ? REJECTS : OK;
  }

  static String summary(Map<String, Long> tally) {
    StringBuilder s = new StringBuilder();
    new TreeMap<>(tally).forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
    return s.length() == 0 ? "nothing to import" : s.toString();
  }

  /** Whether an export line is one of the hub's own events (meta.service annals); only lines naming it are parsed. */
  static boolean hubOwn(String line) {
    if (!line.contains("\"" + HUB_SERVICE + "\"")) {
      return false;
    }
    try {
      return HUB_SERVICE.equals(HubHttp.JSON.readTree(line).path("meta").path("service").asText(null));
    } catch (IOException e) {
      return false; // not JSON: sent, and the hub's answer says what is wrong
    }
  }

  /** POST /erasures for each record of the export's erasure log, before any event (docs/history.md). */
  private void reapplyErasures(HubHttp hub, ObjectNode manifest) {
    JsonNode records = manifest.path("erasures").path("records");
    int applied = 0;
    for (JsonNode r : records) {
      HubHttp.Answer a = hub.post("/erasures", "application/json", r.toString());
      if (a.status() == 404) {
        err.println("import: the hub has no erasures (POST /erasures answered 404): the export's " + records.size()
            + " erasure records were not re-applied; the exported events carry their payloads as erased already");
        return;
      }
      if (a.status() / 100 != 2) {
        throw new HubException("POST /erasures (erasure " + r.path("erasure_id").asText() + ") answered " + a.status() + ": "
            + HubHttp.abbreviate(a.body()));
      }
      applied++;
    }
    if (applied > 0) {
      err.println("import: re-applied " + applied + " erasures from the export");
    }
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  private static void truncate(Path file, long size) {
    try {
      if (!Files.exists(file)) {
        if (size > 0) {
          throw new IllegalArgumentException(file + " is shorter than the progress file says; delete the progress file to start over");
        }
        return;
      }
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
        c.truncate(size);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sends batches, up to two at a time so that the hub works while the next batch is read, and
   * handles their answers strictly in line order: a batch's rejects (its unreadable lines and what
   * the hub refused) are written, then the progress file says every line up to the batch's last is
   * done. So after a kill the rejects file never holds a line beyond the progress file's.
   */
  private final class Sender implements AutoCloseable {
    private final HubHttp hub;
    private final ImportProgress state;
    private final Path progressFile;
    private final Path rejects;
    private final Writer rejectsOut;
    private final List<Unit> units;
    private final Progress progress;
    private int maxBatch;
    private List<Pending> batch = new ArrayList<>();
    private int eventsInBatch;
    private final java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();
    private final java.util.concurrent.ExecutorService posting = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "import-post");
      t.setDaemon(true);
      return t;
    });

    /** A batch sent (or, with no event in it, only rejects to write) and its answer to come. */
    private record InFlight(List<Pending> part, java.util.concurrent.CompletableFuture<HubHttp.Answer> answer) {}

    Sender(HubHttp hub, ImportProgress state, Path progressFile, Path rejects, Writer rejectsOut, List<Unit> units, Progress progress,
        int maxBatch) {
      this.hub = hub;
      this.state = state;
      this.progressFile = progressFile;
      this.rejects = rejects;
      this.rejectsOut = rejectsOut;
      this.units = units;
      this.progress = progress;
      this.maxBatch = maxBatch;
    }

    void add(Pending p) throws IOException {
      batch.add(p);
      if (p.event() != null && ++eventsInBatch >= maxBatch) {
        dispatch();
      }
    }

    /** Sends the batch; once two are under way, waits for the older one's answer and handles it. */
    private void dispatch() throws IOException {
      if (batch.isEmpty()) {
        return;
      }
      List<Pending> part = batch;
      batch = new ArrayList<>();
      eventsInBatch = 0;
      String body = body(part);
      inFlight.add(new InFlight(part, body == null ? java.util.concurrent.CompletableFuture.completedFuture(null)
          : java.util.concurrent.CompletableFuture.supplyAsync(() -> hub.post("/events", "application/json", body), posting)));
      while (inFlight.size() >= 2) {
        handle(inFlight.poll());
      }
    }

    /** Sends what is left and handles every answer. */
    void finish() throws IOException {
      dispatch();
      while (!inFlight.isEmpty()) {
        handle(inFlight.poll());
      }
    }

    @Override
    public void close() {
      posting.shutdownNow();
    }

    private void handle(InFlight f) throws IOException {
      HubHttp.Answer answer;
      try {
        answer = f.answer().join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      handle(f.part(), answer);
      Pending last = f.part().get(f.part().size() - 1);
      save(last.unit(), last.line());
    }

    /** The answer to {@code part} (null when it held no event); a 413 splits it in halves, sent one after the other. */
    private void handle(List<Pending> part, HubHttp.Answer a) throws IOException {
      long events = part.stream().filter(p -> p.event() != null).count();
      if (a != null && a.status() == 413 && events > 1) {
        maxBatch = (int) Math.max(1, events / 2);
        int half = part.size() / 2;
        for (List<Pending> piece : List.of(part.subList(0, half), part.subList(half, part.size()))) {
          String body = body(piece);
          handle(piece, body == null ? null : hub.post("/events", "application/json", body));
        }
        return;
      }
      if (a != null && a.status() != 200) {
        throw new HubException("POST /events answered " + a.status() + ": " + HubHttp.abbreviate(a.body()));
      }
      JsonNode results = a == null ? HubHttp.JSON.createArrayNode() : a.json().path("results");
      if (results.size() != events) {
        throw new HubException("POST /events answered " + results.size() + " results for " + events + " events");
      }
      int r = 0;
      for (Pending p : part) {
        if (p.skipped()) {
          state.count("skipped");
          continue;
        }
        if (p.event() == null) {
          reject(p.unit(), p.line(), null, "unreadable", List.of(p.unreadable()));
          continue;
        }
        JsonNode result = results.get(r++);
        String outcome = result.path("outcome").asText();
        switch (outcome) {
          case "created", "duplicate", "quarantined" -> state.count(outcome);
          default -> {
            List<String> errors = new ArrayList<>();
            result.path("errors").forEach(e -> errors.add(e.path("pointer").asText() + ": " + e.path("detail").asText()));
            if (errors.isEmpty() && outcome.equals("conflict")) {
              errors.add("an event with this id is stored already with other content");
            }
            reject(p.unit(), p.line(), result.path("id").asText(null), outcome, errors);
          }
        }
      }
      progress.advance(part.size());
    }

    /** The JSON array of the part's events; null when it has none. */
    private String body(List<Pending> part) {
      StringBuilder body = new StringBuilder().append('[');
      for (Pending p : part) {
        if (p.event() != null) {
          body.append(body.length() == 1 ? "" : ",").append(p.event());
        }
      }
      return body.length() == 1 ? null : body.append(']').toString();
    }

    private void reject(int unit, long line, String id, String outcome, List<String> errors) throws IOException {
      ObjectNode r = HubHttp.JSON.createObjectNode();
      r.put("file", units.get(unit).file().getFileName().toString());
      r.put("line", line);
      r.put("id", id);
      r.put("outcome", outcome);
      ArrayNode e = r.putArray("errors");
      errors.forEach(e::add);
      rejectsOut.write(r.toString());
      rejectsOut.write('\n');
      state.count(outcome);
      state.count("rejected");
    }

    private void save(int unit, long line) throws IOException {
      rejectsOut.flush();
      try (FileChannel c = FileChannel.open(rejects, StandardOpenOption.WRITE)) {
        c.force(true);
        state.saveAt(progressFile, unit, line, c.size());
      }
    }
  }
}
