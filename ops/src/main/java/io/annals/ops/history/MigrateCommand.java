package io.annals.ops.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.http.EventJson;
import io.annals.hub.server.ledger.CompactRange;
import io.annals.hub.server.ledger.LedgerAudit;
import io.annals.hub.server.ledger.LedgerLeaf;
import io.annals.hub.server.ledger.MerkleProofs;
import io.annals.hub.server.schema.Catalog;
import io.annals.hub.server.schema.QuarantinedEvent;
import io.annals.hub.server.schema.SchemaVersion;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.ErasureRecord;
import io.annals.hub.server.store.Position;
import io.annals.ops.Command;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code migrate --from embedded:DIR|mongodb:URI --to embedded:DIR|mongodb:URI}: copies the history
 * store to store through the hub's own adapters, with the hubs stopped: every event with every
 * field, {@code received_at} included ({@link io.annals.hub.server.store.EventLog#append} stores
 * events as given, stamped already), in feed order; then the ledger's leaves (with their salts) and
 * the subtree hashes they make. Resumable: a state file records the feed position of the last batch
 * the target acknowledged, and a rerun continues there (the target answers duplicate for a batch
 * that was under way); the ledger continues from the target's own size. Ends by comparing the
 * counts and the ledger roots of both sides and by recomputing every target leaf from the target's
 * events, and says so.
 *
 * <p>Exits 0 when the copy is faithful, 1 when the comparison fails, 2 on bad options (a target
 * that is not empty at the first run included), 69 when a store cannot be reached.
 */
public final class MigrateCommand implements Command {

  static final int OK = Cli.OK;
  static final int DIFFERENT = 1;
  static final int USAGE = Cli.USAGE;
  static final int UNAVAILABLE = Cli.UNAVAILABLE;
  static final String USAGE_TEXT = "usage: migrate --from embedded:DIR|mongodb:URI --to embedded:DIR|mongodb:URI [--state FILE] [--batch N (1000)]\n"
      + "  with the hubs on both stores stopped; a rerun with the same --state continues an interrupted migration;\n"
      + "  the state file defaults to DIR/migrate-state.json for an embedded target, else ./annals-migrate-state.json";
  private static final HexFormat HEX = HexFormat.of();

  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;

  public MigrateCommand() {
    this(System.out, System.err, Progress.onTerminal());
  }

  /** Plain progress lines to {@code err}: for the bench. */
  public MigrateCommand(PrintStream out, PrintStream err) {
    this(out, err, false);
  }

  MigrateCommand(PrintStream out, PrintStream err, boolean terminal) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public String summary() {
    return "copy the history and ledger store to store, received_at included: --from embedded:DIR|mongodb:URI --to ...";
  }

  @Override
  public int run(String[] args) {
    return Cli.run("migrate", USAGE_TEXT, args, Set.of("--from", "--to", "--state", "--batch"), out, err, o -> {
      StoreSpec from = StoreSpec.parse(o.required("--from"), "--from");
      StoreSpec to = StoreSpec.parse(o.required("--to"), "--to");
      if (from.equals(to)) {
        throw new IllegalArgumentException("--from and --to are the same store");
      }
      Path state = Path.of(o.get("--state", to.kind().equals("embedded") ? Path.of(to.location(), "migrate-state.json").toString()
          : "annals-migrate-state.json"));
      return migrate(from, to, state, Math.min(10_000, o.positive("--batch", 1000)));
    });
  }

  private int migrate(StoreSpec from, StoreSpec to, Path stateFile, int batch) throws Exception {
    try (StoreSpec.Opened source = from.open(true); StoreSpec.Opened target = to.open(false)) {
      ObjectNode state = loadState(stateFile, from, to);
      long total = source.feed().countFeed(Set.of(), null, Instant.MAX);
      if (state == null) {
        long present = target.feed().countFeed(Set.of(), null, Instant.MAX);
        if (present > 0 || target.ledger().size() > 0) {
          throw new IllegalArgumentException(to + " is not empty (" + present + " events, " + target.ledger().size()
              + " leaves): migrate copies into an empty store, or continues with the state file of its own earlier run");
        }
        state = HubHttp.JSON.createObjectNode();
        state.put("from", from.toString()).put("to", to.toString()).put("copied", 0).putNull("last");
        AtomicFiles.writeString(stateFile, state.toString());
      } else {
        err.println("migrate: continuing after " + state.path("copied").asLong() + " events (" + stateFile + ")");
      }
      long copied = state.path("copied").asLong();
      Position last = position(state.path("last"));
      Progress progress = new Progress(err, terminal, "events", copied, total, System::nanoTime);
      long thisRun = 0;
      while (true) {
        List<StoredEvent> page = source.feed().feed(Set.of(), last, Instant.MAX, batch);
        if (page.isEmpty()) {
          break;
        }
        List<AppendResult> results = target.log().append(page);
        for (AppendResult r : results) {
          if (r.outcome() == Outcome.CONFLICT) {
            throw new IllegalStateException("the target holds event " + r.stored().id() + " with other content: it was not empty of this history");
          }
          thisRun += r.outcome() == Outcome.CREATED ? 1 : 0;
        }
        StoredEvent tail = page.get(page.size() - 1);
        last = new Position(tail.receivedAt(), tail.id());
        copied += page.size();
        state.put("copied", copied);
        state.putObject("last").put("received_at", EventJson.time(last.receivedAt())).put("id", last.id());
        AtomicFiles.writeString(stateFile, state.toString());
        progress.advance(page.size());
      }
      progress.finish();
      long leaves = copyLedger(source, target);
      copyKey(from, to);
      String others = copyOthers(source, target);
      int verdict = compare(source, target, copied, thisRun, leaves);
      if (verdict == OK) {
        verdict = compareOthers(source, target, others);
      }
      return verdict;
    }
  }

  /** Copies the leaves the target lacks, with the subtree hashes they complete, 1000 at a time; answers the leaves copied. */
  private static long copyLedger(StoreSpec.Opened source, StoreSpec.Opened target) {
    if (source.ledger() == null) {
      return 0;
    }
    long size = target.ledger().size();
    CompactRange edge = CompactRange.of(size, target.ledger());
    long copied = 0;
    while (true) {
      List<LedgerLeaf> leaves = source.ledger().leaves(size, 1000);
      if (leaves.isEmpty()) {
        return copied;
      }
      List<CompactRange.Node> nodes = new ArrayList<>();
      for (LedgerLeaf leaf : leaves) {
        nodes.addAll(edge.append(leaf.leafHash()));
      }
      if (!target.ledger().append(size, leaves, nodes)) {
        throw new IllegalStateException("the target's ledger moved while copying: is a hub running on it?");
      }
      size += leaves.size();
      copied += leaves.size();
    }
  }

  /**
   * Copies what the other ports hold, each idempotent so that a rerun repeats it harmlessly: the
   * erasure log (the payloads are copied erased already; the log keeps them erased on events a
   * restore brings back), every schema version of every type in version order, and the whole
   * quarantine (held and dropped entries, every field). The catalog needs no copy: the target's appends counted it. Answers what it copied.
   */
  private static String copyOthers(StoreSpec.Opened source, StoreSpec.Opened target) {
    long erasures = 0;
    ErasureRecord.Position after = null;
    while (true) {
      List<ErasureRecord> page = source.erasures().list(after, 1000);
      page.forEach(target.erasures()::record);
      erasures += page.size();
      if (page.size() < 1000) {
        break;
      }
      ErasureRecord last = page.get(page.size() - 1);
      after = new ErasureRecord.Position(last.requestedAt(), last.erasureId());
    }
    long schemas = 0;
    for (SchemaVersion latest : source.schemas().latestOfEach()) {
      List<SchemaVersion> have = target.schemas().versions(latest.service(), latest.type());
      for (SchemaVersion v : source.schemas().versions(latest.service(), latest.type())) {
        if (v.version() > have.size() && !target.schemas().register(v)) {
          throw new IllegalStateException("the target registered " + v.service() + "/" + v.type() + " version " + v.version()
              + " meanwhile: is a hub running on it?");
        }
        schemas++;
      }
    }
    long held = 0;
    long dropped = 0;
    String afterId = null;
    while (true) {
      List<QuarantinedEvent> page = source.quarantine().entries(afterId, 1000);
      if (page.isEmpty()) {
        break;
      }
      target.quarantine().hold(page); // every field, a dropped entry kept dropped with its reason and time
      for (QuarantinedEvent q : page) {
        dropped += q.dropped() ? 1 : 0;
        held += q.dropped() ? 0 : 1;
      }
      afterId = page.get(page.size() - 1).event().id();
    }
    return erasures + " erasures, " + schemas + " schema versions, " + held + " held and " + dropped + " dropped in quarantine";
  }

  /** The first quarantine entry that differs between the two sides (compared a page at a time), or null when all are equal. */
  private static String quarantineDifference(StoreSpec.Opened source, StoreSpec.Opened target) {
    String afterId = null;
    while (true) {
      List<QuarantinedEvent> mine = source.quarantine().entries(afterId, 1000);
      List<QuarantinedEvent> theirs = target.quarantine().entries(afterId, 1000);
      for (int i = 0; i < Math.max(mine.size(), theirs.size()); i++) {
        QuarantinedEvent a = i < mine.size() ? mine.get(i) : null;
        QuarantinedEvent b = i < theirs.size() ? theirs.get(i) : null;
        if (a == null || !a.equals(b)) {
          return "the quarantines differ at " + (a == null ? "an entry only the target has, " + b.id()
              : b == null ? "an entry only the source has, " + a.id() : "entry " + a.id() + " (source) / " + b.id() + " (target)");
        }
      }
      if (mine.size() < 1000) {
        return null;
      }
      afterId = mine.get(mine.size() - 1).id();
    }
  }

  /** Compares the erasure log, the latest schemas, every quarantine entry and the catalog counts of both sides. */
  private int compareOthers(StoreSpec.Opened source, StoreSpec.Opened target, String copied) {
    Instant now = Instant.now();
    List<String> differences = new ArrayList<>();
    if (!source.erasures().list(null, Integer.MAX_VALUE).equals(target.erasures().list(null, Integer.MAX_VALUE))) {
      differences.add("the erasure logs differ");
    }
    if (!source.schemas().latestOfEach().equals(target.schemas().latestOfEach())) {
      differences.add("the latest schemas differ");
    }
    String quarantine = quarantineDifference(source, target);
    if (quarantine != null) {
      differences.add(quarantine);
    }
    if (!counts(source.catalog(), now).equals(counts(target.catalog(), now))) {
      differences.add("the catalog counts differ: " + counts(source.catalog(), now) + " on the source, " + counts(target.catalog(), now)
          + " on the target");
    }
    if (!differences.isEmpty()) {
      out.println("migrate: DIFFERENT: " + String.join("; ", differences));
      return DIFFERENT;
    }
    out.println("migrate: " + copied + "; erasure log, latest schemas, quarantine entries and catalog counts equal on both sides");
    return OK;
  }

  private static java.util.Map<String, Long> counts(Catalog catalog, Instant now) {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    catalog.entries(now).forEach(e -> counts.put(e.service() + "/" + e.type(), e.count()));
    return counts;
  }

  /** An embedded target of an embedded source keeps signing with the same key; otherwise say how. */
  private void copyKey(StoreSpec from, StoreSpec to) throws IOException {
    Path key = from.keyFile();
    if (key == null || !Files.isRegularFile(key)) {
      return;
    }
    Path targetKey = to.keyFile();
    if (targetKey != null && !Files.exists(targetKey)) {
      Files.copy(key, targetKey);
      targetKey.toFile().setReadable(false, false);
      targetKey.toFile().setReadable(true, true);
      err.println("migrate: copied the ledger key " + key + " to " + targetKey);
    } else if (targetKey == null) {
      err.println("migrate: hubs on " + to + " sign with HUB_LEDGER_KEY_FILE: give them " + key + " to keep the same key");
    }
  }

  private int compare(StoreSpec.Opened source, StoreSpec.Opened target, long copied, long created, long leavesCopied) {
    long sourceCount = source.feed().countFeed(Set.of(), null, Instant.MAX);
    long targetCount = target.feed().countFeed(Set.of(), null, Instant.MAX);
    if (sourceCount != targetCount) {
      out.println("migrate: DIFFERENT: the source holds " + sourceCount + " events, the target " + targetCount);
      return DIFFERENT;
    }
    String copiedLine = "migrate: " + copied + " events copied (" + created + " created by this run), " + leavesCopied + " leaves";
    if (source.ledger() == null) {
      out.println(copiedLine + "; counts equal (" + sourceCount + "); the source keeps no ledger, so there is no root to compare");
      return OK;
    }
    long size = source.ledger().size();
    if (target.ledger().size() != size) {
      out.println("migrate: DIFFERENT: the source's ledger has " + size + " leaves, the target's " + target.ledger().size());
      return DIFFERENT;
    }
    byte[] sourceRoot = new MerkleProofs(source.ledger()).root(size);
    byte[] targetRoot = new MerkleProofs(target.ledger()).root(size);
    if (!Arrays.equals(sourceRoot, targetRoot)) {
      out.println("migrate: DIFFERENT: ledger root " + HEX.formatHex(sourceRoot) + " on the source, " + HEX.formatHex(targetRoot)
          + " on the target");
      return DIFFERENT;
    }
    LedgerAudit.Result audit = new LedgerAudit(target.log(), target.feed(), target.ledger(), 1000).run();
    if (audit.difference().isPresent()) {
      out.println("migrate: DIFFERENT: on the target, " + audit.difference().get());
      return DIFFERENT;
    }
    out.println(copiedLine + "; counts equal (" + sourceCount + "); ledger root " + HEX.formatHex(sourceRoot) + " of " + size
        + " leaves on both sides; every leaf recomputed from the target's events matches");
    return OK;
  }

  private static ObjectNode loadState(Path file, StoreSpec from, StoreSpec to) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      JsonNode s = HubHttp.JSON.readTree(file.toFile());
      if (s == null || !from.toString().equals(s.path("from").asText()) || !to.toString().equals(s.path("to").asText())) {
        throw new IllegalArgumentException(file + " is the state of another migration (" + (s == null ? "empty" : s.path("from").asText()
            + " to " + s.path("to").asText()) + "); give another --state");
      }
      return (ObjectNode) s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static Position position(JsonNode node) {
    return node.isObject() ? new Position(Instant.parse(node.path("received_at").asText()), node.path("id").asText()) : null;
  }
}
