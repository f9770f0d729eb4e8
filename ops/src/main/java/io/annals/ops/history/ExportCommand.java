package io.annals.ops.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.http.EventJson;
import io.annals.hub.server.query.Cursor;
import io.annals.hub.server.store.Position;
import io.annals.ops.Command;
import io.annals.ops.history.HubHttp.HubException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * {@code export --hub URL --out DIR [--types T,..] [--from TIME] [--to TIME]}: the history as gzip
 * NDJSON segments ({@link ExportLine}) and {@code manifest.json} (docs/history.md). The export
 * covers the feed up to the ledger's last leaf when it starts (it waits for the ledger to catch
 * up with the feed's stable point first), so every exported event is a leaf of the digest in the
 * manifest. Each segment is written to a temporary name, forced to disk and renamed, and only then
 * named in the manifest (itself replaced atomically): a rerun after {@code kill -9} continues after
 * the last complete segment, with the same end and digest.
 *
 * <p>Exits 0 when the export is complete, 2 on bad options, 69 when the hub refused or could not
 * be reached, 74 when the directory cannot be written.
 */
public final class ExportCommand implements Command {

  static final int OK = Cli.OK;
  static final int USAGE = Cli.USAGE;
  static final int UNAVAILABLE = Cli.UNAVAILABLE;
  static final int IO_ERROR = Cli.IO_ERROR;
  static final String MANIFEST = "manifest.json";
  static final String FORMAT = "annals-export-v1";
  static final String USAGE_TEXT = "usage: export --hub URL --out DIR [--api-key KEY] [--types T1,T2] [--from TIME] [--to TIME]\n"
      + "              [--segment-events N (100000)] [--page N (1000)] [--wait-ledger SECONDS (60)]\n"
      + "  a rerun on the same DIR continues an interrupted export; the key may come from ANNALS_API_KEY";
  private static final HexFormat HEX = HexFormat.of();

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final Clock clock;
  private final LongConsumer sleeper;
  private final boolean terminal;

  public ExportCommand() {
    this(System.out, System.err, System.getenv(), Clock.systemUTC(), HubHttp::sleep, Progress.onTerminal());
  }

  /** Plain progress lines to {@code err}, no API key from the environment: for the bench. */
  public ExportCommand(PrintStream out, PrintStream err) {
    this(out, err, Map.of(), Clock.systemUTC(), HubHttp::sleep, false);
  }

  ExportCommand(PrintStream out, PrintStream err, Map<String, String> env, Clock clock, LongConsumer sleeper, boolean terminal) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.clock = clock;
    this.sleeper = sleeper;
    this.terminal = terminal;
  }

  @Override
  public String summary() {
    return "the history as gzip NDJSON segments with a manifest: --hub URL --out DIR [--types] [--from] [--to]";
  }

  @Override
  public int run(String[] args) {
    return Cli.run("export", USAGE_TEXT, args, Set.of("--hub", "--api-key", "--out", "--types", "--from", "--to", "--segment-events",
        "--page", "--wait-ledger"), out, err, this::export);
  }

  private int export(Options o) {
    String hubUrl = o.required("--hub");
    Path dir = Path.of(o.required("--out"));
    int segmentEvents = o.positive("--segment-events", 100_000);
    int page = Math.min(1000, o.positive("--page", 1000));
    int waitLedger = o.positive("--wait-ledger", 60);
    ObjectNode filter = HubHttp.JSON.createObjectNode();
    filter.put("types", o.get("--types", ""));
    Instant from = o.time("--from");
    Instant to = o.time("--to");
    filter.put("from", from == null ? null : EventJson.time(from));
    filter.put("to", to == null ? null : EventJson.time(to));
    HubHttp hub = new HubHttp(hubUrl, o.apiKey(env), sleeper);
    try {
      Files.createDirectories(dir);
      try (Stream<Path> temps = Files.list(dir)) {
        for (Path t : temps.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)).toList()) {
          Files.delete(t); // a segment or manifest cut short by a kill: redone from the manifest
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + dir + ": " + e.getMessage(), e);
    }
    Path manifestFile = dir.resolve(MANIFEST);
    ObjectNode manifest;
    if (Files.exists(manifestFile)) {
      manifest = Manifest.read(dir);
      if (!manifest.path("filter").equals(filter)) {
        throw new IllegalArgumentException(dir + " holds an export of " + manifest.path("filter") + ", not of " + filter
            + "; give another --out");
      }
      if (manifest.path("complete").asBoolean()) {
        out.println("export: " + dir + " is complete already: " + manifest.path("events").asLong() + " events");
        return OK;
      }
      err.println("export: continuing the export in " + dir + " after " + manifest.path("segments").size() + " complete segments");
    } else {
      manifest = start(hub, hubUrl, filter, from, to, waitLedger);
      Manifest.write(dir, manifest);
    }
    return new Run(hub, dir, manifest, segmentEvents, page).go();
  }

  /** A new manifest: what the export will cover (its end, the digest, the erasure log), no segment yet. */
  private ObjectNode start(HubHttp hub, String hubUrl, ObjectNode filter, Instant from, Instant to, int waitLedgerSeconds) {
    ObjectNode m = HubHttp.JSON.createObjectNode();
    m.put("format", FORMAT);
    m.put("hub", hubUrl);
    m.put("started_at", EventJson.time(clock.instant()));
    m.set("filter", filter);
    m.put("complete", false);
    String startCursor = from == null ? Cursor.start() : Cursor.of(new Position(from.minus(1, ChronoUnit.MICROS), "\uffff"));
    m.put("start_cursor", startCursor);
    HubHttp.Answer digest = hub.get("/ledger/digest");
    ObjectNode end = m.putObject("end");
    if (digest.status() == 200) {
      JsonNode d = waitForLedger(hub, digest.json(), waitLedgerSeconds);
      ObjectNode ledger = m.putObject("ledger");
      ledger.set("digest", d);
      ledger.set("key", hub.getJson("/ledger/key"));
      if (d.path("position").isObject()) {
        end.put("received_at", d.path("position").path("received_at").asText()).put("id", d.path("position").path("id").asText());
      } else {
        end.put("received_at", EventJson.time(Instant.EPOCH)).put("id", "");
      }
    } else if (digest.status() == 404) {
      m.putNull("ledger");
      m.put("ledger_note", "the hub keeps no ledger (HUB_LEDGER=off): the export carries no leaves and verify export can check only its segments");
      Instant stable = Instant.parse(hub.getJson("/feed/lag").path("stable_until").asText());
      end.put("received_at", EventJson.time(stable.minus(1, ChronoUnit.MICROS))).put("id", "\uffff");
    } else {
      throw new HubException("GET /ledger/digest answered " + digest.status() + ": " + HubHttp.abbreviate(digest.body()));
    }
    if (to != null && Instant.parse(end.path("received_at").asText()).isAfter(to.minus(1, ChronoUnit.MICROS))) {
      end.put("received_at", EventJson.time(to.minus(1, ChronoUnit.MICROS))).put("id", "\uffff");
    }
    m.set("erasures", erasures(hub, ERASURE_PAGE));
    String types = filter.path("types").asText();
    m.put("expected_events", hub.getJson("/feed/lag?after=" + HubHttp.query(startCursor)
        + (types.isEmpty() ? "" : "&types=" + HubHttp.query(types))).path("events").asLong());
    m.putArray("segments");
    return m;
  }

  /**
   * The digest once every event below the feed's stable point has its leaf, so that the export
   * (which ends at the digest's last leaf) holds the whole history as of now; after the wait, the
   * digest as it is (the manifest says how many events were left for a later export).
   */
  private JsonNode waitForLedger(HubHttp hub, JsonNode digest, int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      JsonNode position = digest.path("position");
      String after = position.isObject()
          ? Cursor.of(new Position(Instant.parse(position.path("received_at").asText()), position.path("id").asText()))
          : Cursor.start();
      long behind = hub.getJson("/feed/lag?after=" + HubHttp.query(after)).path("events").asLong();
      if (behind == 0) {
        return digest;
      }
      if (System.nanoTime() > deadline) {
        err.println("export: the ledger is still " + behind + " events behind the feed after " + seconds
            + " s; exporting up to its last leaf (" + digest.path("tree_size").asLong() + " leaves)");
        return digest;
      }
      sleeper.accept(200);
      digest = hub.getJson("/ledger/digest");
    }
  }

  static final int ERASURE_PAGE = 500;

  /** The hub's erasure log ({@code GET /erasures}, paged); a hub without erasures (404) has an empty one, noted. */
  static ObjectNode erasures(HubHttp hub, int pageSize) {
    ObjectNode e = HubHttp.JSON.createObjectNode();
    ArrayNode records = HubHttp.JSON.createArrayNode();
    String cursor = null;
    while (true) {
      // The hub pages its log with limit and cursor (ErasureRoutes; docs/erasure.md).
      HubHttp.Answer a = hub.get("/erasures?limit=" + pageSize + (cursor == null ? "" : "&cursor=" + HubHttp.query(cursor)));
      if (a.status() == 404 && cursor == null) {
        e.put("available", false);
        e.put("note", "the hub answered 404 to GET /erasures: it has no erasure log, so this export carries none");
        e.set("records", records);
        return e;
      }
      if (a.status() != 200) {
        throw new HubException("GET /erasures answered " + a.status() + ": " + HubHttp.abbreviate(a.body()));
      }
      JsonNode page = a.json();
      page.path("erasures").forEach(records::add);
      if (!page.path("next").isTextual() || page.path("erasures").isEmpty()) {
        break;
      }
      cursor = page.path("next").asText();
    }
    e.put("available", true);
    e.set("records", records);
    return e;
  }

  /** One run of the export from where the manifest stands. */
  private final class Run {
    private final HubHttp hub;
    private final Path dir;
    private final ObjectNode manifest;
    private final int segmentEvents;
    private final int page;
    private final String types;
    private final boolean withLedger;
    private final Position end;
    private final Deque<PageEvents.Element> leaves = new ArrayDeque<>();
    private long nextLeaf = -1; // -1: not known yet (found from the first event's inclusion proof)
    private String cursor;
    private final Deque<PageEvents.Element> pending = new ArrayDeque<>();
    private java.util.concurrent.CompletableFuture<PageEvents.Page> feedAhead; // the page after cursor, asked for early
    private java.util.concurrent.CompletableFuture<PageEvents.Page> leavesAhead; // the leaves from nextLeaf on, asked for early
    private long leavesAheadFrom = -1;
    // Where pages are asked for ahead of their turn (one feed page, one page of leaves); daemon threads.
    private final java.util.concurrent.ExecutorService ahead = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "export-read-ahead");
      t.setDaemon(true);
      return t;
    });
    private boolean feedDone;

    Run(HubHttp hub, Path dir, ObjectNode manifest, int segmentEvents, int page) {
      this.hub = hub;
      this.dir = dir;
      this.manifest = manifest;
      this.segmentEvents = segmentEvents;
      this.page = page;
      this.types = manifest.path("filter").path("types").asText();
      this.withLedger = manifest.path("ledger").isObject();
      this.end = new Position(Instant.parse(manifest.path("end").path("received_at").asText()), manifest.path("end").path("id").asText());
      ArrayNode segments = (ArrayNode) manifest.path("segments");
      if (segments.isEmpty()) {
        cursor = manifest.path("start_cursor").asText();
        if (types.isEmpty() && manifest.path("filter").path("from").isNull()) {
          nextLeaf = 0;
        }
      } else {
        JsonNode last = segments.get(segments.size() - 1);
        cursor = last.path("next_cursor").asText();
        if (last.has("last_leaf")) {
          nextLeaf = last.path("last_leaf").asLong() + 1;
        }
      }
    }

    int go() {
      try {
        return export();
      } finally {
        ahead.shutdownNow();
      }
    }

    private int export() {
      ArrayNode segments = (ArrayNode) manifest.path("segments");
      long done = 0;
      for (JsonNode s : segments) {
        done += s.path("count").asLong();
      }
      Progress progress = new Progress(err, terminal, "events", done, manifest.path("expected_events").asLong(), System::nanoTime);
      while (true) {
        ObjectNode segment = writeSegment(segments.size() + 1, progress);
        if (segment == null) {
          break;
        }
        segments.add(segment);
        Manifest.write(dir, manifest);
        done += segment.path("count").asLong();
      }
      progress.finish();
      manifest.put("complete", true);
      manifest.put("finished_at", EventJson.time(clock.instant()));
      manifest.put("events", done);
      if (withLedger && !segments.isEmpty()) {
        ObjectNode range = ((ObjectNode) manifest.path("ledger")).putObject("leaf_range");
        range.put("first", segments.get(0).path("first_leaf").asLong());
        range.put("last", segments.get(segments.size() - 1).path("last_leaf").asLong());
        range.put("contiguous", types.isEmpty());
      }
      Manifest.write(dir, manifest);
      out.println("export: " + done + " events in " + segments.size() + " segments in " + dir
          + (withLedger ? ", up to leaf " + (manifest.path("ledger").path("digest").path("tree_size").asLong() - 1)
              + " of the digest in the manifest" : "")
          + "; erasure log: " + manifest.path("erasures").path("records").size() + " records");
      return OK;
    }

    /** The next segment, written and renamed into place; null when the history to export is done. */
    private ObjectNode writeSegment(int number, Progress progress) {
      if (!fillPending()) {
        return null;
      }
      String name = String.format("events-%06d.ndjson.gz", number);
      Path file = dir.resolve(name);
      Path temp = dir.resolve(name + AtomicFiles.TEMP_SUFFIX);
      ObjectNode segment = HubHttp.JSON.createObjectNode();
      segment.put("file", name);
      MessageDigest sha = Sha256.digest();
      Tally tally = new Tally();
      try (OutputStream raw = Files.newOutputStream(temp);
          DigestOutputStream digesting = new DigestOutputStream(raw, sha);
          GZIPOutputStream gzip = segmentGzip(digesting);
          // Deflate, digest and file writes on a thread of their own, handed 64 KiB at a time (a call into zlib each).
          OutputStream w = new HandOffOutputStream(gzip, 1 << 16, "export-writer")) {
        while (tally.count < segmentEvents && fillPending()) {
          int n = (int) Math.min(segmentEvents - tally.count, pending.size());
          writeLines(w, n, tally);
          progress.advance(n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + temp + ": " + e.getMessage(), e);
      }
      try {
        AtomicFiles.force(temp);
        AtomicFiles.publish(temp, file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
      }
      if (tally.firstLeaf >= 0) {
        segment.put("first_leaf", tally.firstLeaf);
        segment.put("last_leaf", tally.lastLeaf);
      }
      segment.put("count", tally.count);
      position(segment.putObject("first"), tally.first);
      position(segment.putObject("last"), tally.last);
      segment.put("next_cursor", Cursor.of(tally.last));
      segment.put("sha256", HEX.formatHex(sha.digest()));
      return segment;
    }

    /**
     * The lines of the next {@code n} pending events, each with its leaf. A loop of its own, called
     * once a page, not the segment's loop: compiled once and kept, where the segment's loop (entered
     * once a segment) was compiled on the stack again in each short export (issue 26).
     */
    private void writeLines(OutputStream w, int n, Tally tally) throws IOException {
      for (int i = 0; i < n; i++) {
        PageEvents.Element event = pending.poll();
        if (withLedger) {
          PageEvents.Element leaf = leafOf(event.id());
          ExportLine.write(w, event, leaf);
          tally.add(event.position(), nextLeaf - 1);
        } else {
          ExportLine.write(w, event, null);
          tally.add(event.position(), -1);
        }
      }
    }

    /** Events up to the end in {@code pending}, a page read when it is empty; false when the history to export is done. */
    private boolean fillPending() {
      while (pending.isEmpty() && !feedDone) {
        PageEvents.Page feedPage = feedAhead != null ? join(feedAhead) : feedPage(feedPath(cursor));
        feedAhead = null;
        List<PageEvents.Element> events = feedPage.elements();
        if (events.isEmpty()) {
          // The end lies below the stable point of when the export began, so an empty page is the end,
          // unless the hub answered it empty for a slow read (its guard): then events remain after the cursor.
          String lag = "/feed/lag?after=" + HubHttp.query(cursor) + (types.isEmpty() ? "" : "&types=" + HubHttp.query(types));
          if (hub.getJson(lag).path("events").asLong() == 0) {
            feedDone = true;
            break;
          }
          sleeper.accept(20);
          continue;
        }
        cursor = feedPage.next();
        if (events.size() == page) {
          // The next page is read and cut into events on another thread while this one is written.
          String next = feedPath(cursor);
          feedAhead = java.util.concurrent.CompletableFuture.supplyAsync(() -> feedPage(next), ahead);
        }
        for (PageEvents.Element e : events) {
          if (compare(e.position(), end) > 0) {
            feedDone = true;
            break;
          }
          pending.add(e);
        }
      }
      return !pending.isEmpty();
    }

    /** The feed page at {@code path}, cut into events (on a read-ahead thread, or this one). */
    private PageEvents.Page feedPage(String path) {
      HubHttp.Bytes a = hub.getBytes(path);
      if (a.status() != 200) {
        throw new HubException("GET /feed answered " + a.status() + ": " + HubHttp.abbreviate(a.text()));
      }
      return PageEvents.of(a.body(), "events");
    }

    /** The page of leaves from {@code from}, cut into leaves (on a read-ahead thread, or this one). */
    private PageEvents.Page leavesPage(long from) {
      HubHttp.Bytes a = hub.getBytes(leavesPath(from));
      if (a.status() != 200) {
        throw new HubException("GET " + leavesPath(from) + " answered " + a.status() + ": " + HubHttp.abbreviate(a.text()));
      }
      return PageEvents.of(a.body(), "leaves");
    }

    private String feedPath(String after) {
      return "/feed?limit=" + page + "&after=" + HubHttp.query(after) + (types.isEmpty() ? "" : "&types=" + HubHttp.query(types));
    }

    /** The leaf of this event (its text as the hub gave it): leaves are read in index order; those of other types are passed over. */
    private PageEvents.Element leafOf(String id) {
      if (nextLeaf < 0) {
        nextLeaf = hub.getJson("/ledger/proof/inclusion?id=" + HubHttp.query(id)).path("leaf_index").asLong();
      }
      while (true) {
        if (leaves.isEmpty()) {
          long from = nextLeaf;
          PageEvents.Page page = leavesAhead != null && leavesAheadFrom == from ? join(leavesAhead) : leavesPage(from);
          leavesAhead = null;
          leaves.addAll(page.elements());
          if (page.next() != null) {
            leavesAheadFrom = Long.parseLong(page.next());
            long next = leavesAheadFrom;
            leavesAhead = java.util.concurrent.CompletableFuture.supplyAsync(() -> leavesPage(next), ahead);
          }
          if (leaves.isEmpty()) {
            throw new HubException("the ledger has no leaf for event " + id + " (it ends at leaf " + (nextLeaf - 1) + ")");
          }
        }
        PageEvents.Element leaf = leaves.poll();
        long index = nextLeaf++;
        if (leaf.id().equals(id)) {
          return leaf;
        }
        if (types.isEmpty()) {
          throw new HubException("leaf " + index + " is event " + leaf.id()
              + " but the feed has event " + id + " there: the feed and the ledger disagree (run annals-ops verify store)");
        }
      }
    }
  }

  /** What a segment's manifest entry says of its lines: count, first and last position, first and last leaf (-1: none). */
  private static final class Tally {
    long count;
    Position first;
    Position last;
    long firstLeaf = -1;
    long lastLeaf = -1;

    void add(Position p, long leaf) {
      if (count == 0) {
        first = p;
        firstLeaf = leaf;
      }
      last = p;
      lastLeaf = leaf;
      count++;
    }
  }

  /**
   * The gzip stream a segment's lines are written through (level 1, 64 KiB buffer); public for the
   * bench, which measures what deflating the lines alone costs beside the export (issue 26).
   */
  public static GZIPOutputStream segmentGzip(OutputStream out) throws IOException {
    return new FastGzip(out);
  }

  /** gzip at its fastest level: an export is written once per run and deflate's default level costs several times its CPU. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(java.util.zip.Deflater.BEST_SPEED);
    }
  }

  private static String leavesPath(long from) {
    return "/ledger/leaves?from=" + from + "&limit=1000";
  }

  private static <T> T join(java.util.concurrent.CompletableFuture<T> ahead) {
    try {
      return ahead.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  static int compare(Position a, Position b) {
    int c = a.receivedAt().compareTo(b.receivedAt());
    return c != 0 ? c : a.id().compareTo(b.id());
  }

  private static void position(ObjectNode node, Position p) {
    node.put("received_at", EventJson.time(p.receivedAt())).put("id", p.id());
  }

}
