package io.annals.ops.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ledger.CompactRange;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.Rfc6962;
import io.annals.hub.server.store.Position;
import io.annals.ops.history.ExportLine;
import io.annals.ops.history.Manifest;
import io.annals.ops.history.Sha256;
import io.annals.ops.verify.VerifyCommand.Invalid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * {@code verify export DIR [--key FILE]}: an export checked with nothing but its files. Each
 * segment's SHA-256, count and first and last feed positions against the manifest; the events in
 * feed order; every leaf recomputed from its event and salts (docs/ledger.md) and compared with the
 * leaf hash the hub gave, naming the first that differs; for an export of the whole history, the
 * root of the recomputed leaves against the manifest's digest, whose signature is checked with the
 * manifest's key or, better, one from a trusted channel ({@code --key}, the answer of {@code GET
 * /ledger/key}).
 */
final class ExportCheck {

  private static final HexFormat HEX = HexFormat.of();

  private ExportCheck() {}

  /** A line saying what was checked; throws {@link Invalid} at the first thing that differs. */
  static String run(Path dir, JsonNode trustedKey) {
    if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
      throw new VerifyCommand.UsageException(dir + " holds no manifest.json: not an export directory");
    }
    ObjectNode manifest;
    try {
      manifest = Manifest.read(dir);
    } catch (IllegalArgumentException e) {
      throw new VerifyCommand.UsageException(e.getMessage());
    }
    if (!manifest.path("complete").asBoolean()) {
      throw new Invalid("the export is not complete (interrupted?): run the same export again to finish it");
    }
    JsonNode ledger = manifest.path("ledger");
    boolean withLedger = ledger.isObject();
    boolean whole = withLedger && ledger.path("leaf_range").path("contiguous").asBoolean(false)
        && manifest.path("filter").path("from").isNull();
    CompactRange recomputed = CompactRange.ofEdge(0, new byte[0]);
    long expectedLeaf = whole ? 0 : -1;
    Position previous = null;
    long events = 0;
    for (JsonNode segment : manifest.path("segments")) {
      String name = segment.path("file").asText();
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        throw new Invalid("segment " + name + " is missing");
      }
      try {
        String sha = Sha256.ofFile(file);
        if (!sha.equals(segment.path("sha256").asText())) {
          throw new Invalid("segment " + name + " has SHA-256 " + sha + ", the manifest says " + segment.path("sha256").asText()
              + ": the file was changed");
        }
      } catch (IOException e) {
        throw new VerifyCommand.UsageException("cannot read " + file + ": " + e.getMessage());
      }
      long count = 0;
      Position first = null;
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file), 1 << 16),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          count++;
          String where = name + " line " + count;
          ExportLine l;
          try {
            l = ExportLine.parse(line);
          } catch (IllegalArgumentException e) {
            throw new Invalid(where + ": " + e.getMessage());
          }
          StoredEvent e = l.event();
          Position p = new Position(e.receivedAt(), e.id());
          if (previous != null && compare(previous, p) >= 0) {
            throw new Invalid(where + ": event " + e.id() + " is not after the event before it in feed order");
          }
          if (first == null) {
            first = p;
          }
          previous = p;
          if (withLedger) {
            expectedLeaf = checkLeaf(l, where, expectedLeaf, whole, recomputed);
          }
        }
      } catch (IOException e) {
        throw new Invalid("segment " + name + " cannot be read as gzip NDJSON: " + e.getMessage());
      }
      if (count != segment.path("count").asLong()) {
        throw new Invalid("segment " + name + " holds " + count + " events, the manifest says " + segment.path("count").asLong());
      }
      if (count > 0 && (!same(first, segment.path("first")) || !same(previous, segment.path("last")))) {
        throw new Invalid("segment " + name + " does not begin and end at the feed positions the manifest gives");
      }
      events += count;
    }
    if (events != manifest.path("events").asLong()) {
      throw new Invalid("the segments hold " + events + " events, the manifest says " + manifest.path("events").asLong());
    }
    if (!withLedger) {
      return "valid: " + events + " events in " + manifest.path("segments").size() + " segments match the manifest's counts,"
          + " positions and SHA-256; the hub kept no ledger, so there are no leaves to recompute";
    }
    JsonNode digest = ledger.path("digest");
    JsonNode key = trustedKey != null ? trustedKey : ledger.path("key");
    PublicKey publicKey = VerifyCommand.publicKey(key);
    VerifyCommand.checkSignature(digest, publicKey, "the manifest's digest");
    String keySource = trustedKey != null ? "the key given" : "the key in the manifest (give --key to check against a trusted one)";
    if (!whole) {
      return "valid: " + events + " events; each leaf recomputed from its event matches the hub's leaf hash; the digest is signed by "
          + keySource + "; the root was not recomputed: this export holds only some of the leaves (--types or --from)";
    }
    long treeSize = digest.path("tree_size").asLong();
    if (recomputed.size() != treeSize) {
      throw new Invalid("the export holds leaves 0.." + (recomputed.size() - 1) + ", the digest signs a tree of " + treeSize
          + " leaves: leaves are missing");
    }
    byte[] root = recomputed.root();
    if (!Arrays.equals(root, HEX.parseHex(digest.path("root_hash").asText()))) {
      throw new Invalid("the " + treeSize + " leaves recomputed from the events give root " + HEX.formatHex(root)
          + ", the digest signs " + digest.path("root_hash").asText() + ": an event and its leaf hash were changed together");
    }
    return "valid: all " + events + " leaves recomputed from the exported events give the root of the digest in the manifest ("
        + treeSize + " leaves, signed at " + digest.path("time").asText() + " by " + keySource + ")";
  }

  /** Checks one line's leaf; answers the next leaf index expected (-1 when any larger one will do). */
  private static long checkLeaf(ExportLine l, String where, long expected, boolean whole, CompactRange recomputed) {
    StoredEvent e = l.event();
    if (l.leafIndex() == null) {
      throw new Invalid(where + ": event " + e.id() + " carries no ledger leaf");
    }
    long index = l.leafIndex();
    if (whole && index != expected) {
      throw new Invalid("leaf " + expected + " (" + where + "): the export has leaf " + index + " here; leaf " + expected
          + " is missing or moved");
    }
    byte[] hash;
    try {
      hash = Rfc6962.leafHash(LeafEncoding.leafData(e, LeafEncoding.memberDigests(e.event().payloadJson(), l.salts())));
    } catch (IllegalArgumentException ex) {
      throw new Invalid("leaf " + index + " (event " + e.id() + ", " + where + "): the payload does not match its salts: " + ex.getMessage());
    }
    if (!HEX.formatHex(hash).equals(l.leafHash())) {
      throw new Invalid("leaf " + index + " (event " + e.id() + ", " + where + "): the event hashes to " + HEX.formatHex(hash)
          + ", the hub's leaf hash is " + l.leafHash() + ": the event was changed");
    }
    if (whole) {
      recomputed.append(hash);
      return expected + 1;
    }
    return -1;
  }

  private static int compare(Position a, Position b) {
    int c = a.receivedAt().compareTo(b.receivedAt());
    return c != 0 ? c : a.id().compareTo(b.id());
  }

  private static boolean same(Position p, JsonNode node) {
    return p.id().equals(node.path("id").asText()) && p.receivedAt().equals(Instant.parse(node.path("received_at").asText()));
  }
}
