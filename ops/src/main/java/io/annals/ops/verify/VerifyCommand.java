package io.annals.ops.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerAudit;
import io.annals.hub.server.ledger.LedgerKey;
import io.annals.hub.server.ledger.PayloadMember;
import io.annals.hub.server.ledger.PayloadSalts;
import io.annals.hub.server.ledger.Rfc6962;
import io.annals.hub.server.ledger.SignedTreeHead;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.mongo.MongoLedger;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import io.annals.hub.server.store.sqlite.SqliteLedger;
import io.annals.ops.Command;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code verify event|consistency}: checks the hub's ledger answers offline, with no hub, from
 * saved JSON files (docs/ledger.md). Exits 0 when valid, 1 when invalid (one line saying what
 * failed), 2 on a usage error or a file that cannot be read.
 *
 * <ul>
 *   <li>{@code verify event --event E --proof P --digest D --key K}: the event ({@code GET
 *       /events/{id}}) is leaf {@code leaf_index} of the tree that the digest ({@code GET
 *       /ledger/digest}) signs, by its inclusion proof ({@code GET /ledger/proof/inclusion} at the
 *       digest's tree size), and the digest is signed by the key ({@code GET /ledger/key}).
 *   <li>{@code verify consistency --old D1 --new D2 --proof P --key K}: both digests are signed by
 *       the key and the proof ({@code GET /ledger/proof/consistency?from=&to=}) shows that the later
 *       tree is the earlier one with leaves appended.
 *   <li>{@code verify store --data-dir DIR | --mongodb-uri URI [--mongodb-database NAME]}: every
 *       leaf recomputed from the stored events; names the first leaf that differs.
 *   <li>{@code verify export DIR [--key FILE]}: an export of {@code annals-ops export} checked from its
 *       files alone ({@link ExportCheck}); names the first leaf that differs.
 * </ul>
 */
public final class VerifyCommand implements Command {

  static final int VALID = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final String USAGE_TEXT = "usage: verify event --event FILE --proof FILE --digest FILE --key FILE\n"
      + "       verify consistency --old DIGEST_FILE --new DIGEST_FILE --proof FILE --key FILE\n"
      + "       verify store --data-dir DIR | --mongodb-uri URI [--mongodb-database NAME]\n"
      + "       verify export DIR [--key FILE]";

  private final PrintStream out;
  private final PrintStream err;

  public VerifyCommand() {
    this(System.out, System.err);
  }

  public VerifyCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public String summary() {
    return "check ledger proofs offline: event --event --proof --digest --key | consistency --old --new --proof --key";
  }

  @Override
  public int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help")) {
      (args.length == 0 ? err : out).println(USAGE_TEXT);
      return args.length == 0 ? USAGE : VALID;
    }
    try {
      return switch (args[0]) {
        case "event" -> event(options(args, "--event", "--proof", "--digest", "--key"));
        case "consistency" -> consistency(options(args, "--old", "--new", "--proof", "--key"));
        case "store" -> store(args);
        case "export" -> export(args);
        default -> throw new UsageException("unknown check \"" + args[0] + "\"; expected event, consistency, store or export");
      };
    } catch (UsageException e) {
      err.println("verify: " + e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    } catch (Invalid e) {
      out.println("invalid: " + e.getMessage());
      return INVALID;
    }
  }

  private int event(Map<String, Path> files) {
    String eventText = read(files.get("--event"));
    JsonNode proof = json(files.get("--proof"));
    JsonNode digest = json(files.get("--digest"));
    PublicKey key = publicKey(json(files.get("--key")));
    checkSignature(digest, key, "--digest");

    StoredEvent event = storedEvent(eventText);
    long treeSize = number(digest, "tree_size", "--digest");
    if (number(proof, "tree_size", "--proof") != treeSize) {
      throw new Invalid("the proof is for a tree of " + proof.path("tree_size") + " leaves, the digest signs " + treeSize);
    }
    if (!event.id().equals(proof.path("id").asText())) {
      throw new Invalid("the proof is for event " + proof.path("id").asText() + ", the event file holds " + event.id());
    }
    Map<String, byte[]> salts = new LinkedHashMap<>();
    proof.path("payload_salts").fields().forEachRemaining(e -> salts.put(e.getKey(), Base64.getUrlDecoder().decode(e.getValue().asText())));
    byte[] leafHash;
    try {
      leafHash = Rfc6962.leafHash(LeafEncoding.leafData(event, LeafEncoding.memberDigests(event.event().payloadJson(), salts)));
    } catch (IllegalArgumentException e) {
      throw new Invalid("the event's payload does not match the proof's salts: " + e.getMessage());
    }
    if (!HEX.formatHex(leafHash).equals(proof.path("leaf_hash").asText())) {
      throw new Invalid("the event's leaf hash is " + HEX.formatHex(leafHash) + ", the proof's " + proof.path("leaf_hash").asText()
          + ": the event is not the one the ledger holds");
    }
    long index = number(proof, "leaf_index", "--proof");
    if (!Rfc6962.verifyInclusion(index, treeSize, leafHash, hashes(proof, "audit_path", "--proof"), hash(digest, "root_hash", "--digest"))) {
      throw new Invalid("the audit path does not lead from leaf " + index + " to the digest's root");
    }
    out.println("valid: event " + event.id() + " is leaf " + index + " of the tree of " + treeSize + " leaves signed at "
        + digest.path("time").asText() + " by key " + digest.path("key_id").asText());
    return VALID;
  }

  private int consistency(Map<String, Path> files) {
    JsonNode older = json(files.get("--old"));
    JsonNode newer = json(files.get("--new"));
    JsonNode proof = json(files.get("--proof"));
    PublicKey key = publicKey(json(files.get("--key")));
    checkSignature(older, key, "--old");
    checkSignature(newer, key, "--new");
    long from = number(older, "tree_size", "--old");
    long to = number(newer, "tree_size", "--new");
    if (number(proof, "from", "--proof") != from || number(proof, "to", "--proof") != to) {
      throw new Invalid("the proof is from " + proof.path("from") + " to " + proof.path("to") + " leaves, the digests are of "
          + from + " and " + to);
    }
    if (!Rfc6962.verifyConsistency(from, to, hash(older, "root_hash", "--old"), hash(newer, "root_hash", "--new"),
        hashes(proof, "proof", "--proof"))) {
      throw new Invalid("the tree of " + to + " leaves is not the tree of " + from + " leaves with leaves appended");
    }
    out.println("valid: the tree of " + to + " leaves (" + newer.path("time").asText() + ") extends the tree of " + from
        + " leaves (" + older.path("time").asText() + ")");
    return VALID;
  }

  /** Recomputes every leaf from the stored events (hub stopped or running) and names the first that differs. */
  private int store(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String flag = args[i];
      if (!List.of("--data-dir", "--mongodb-uri", "--mongodb-database").contains(flag)) {
        throw new UsageException("unknown option \"" + flag + "\" for verify store");
      }
      if (i + 1 >= args.length) {
        throw new UsageException(flag + " needs a value");
      }
      o.put(flag, args[++i]);
    }
    if (o.containsKey("--data-dir") == o.containsKey("--mongodb-uri")) {
      throw new UsageException("give one of --data-dir or --mongodb-uri");
    }
    Store store;
    Ledger ledger;
    if (o.containsKey("--data-dir")) {
      Path dir = Path.of(o.get("--data-dir"));
      if (!Files.isRegularFile(dir.resolve(SqliteEventStore.FILE_NAME)) || !Files.isRegularFile(dir.resolve(SqliteLedger.FILE_NAME))) {
        throw new UsageException(dir + " holds no " + SqliteEventStore.FILE_NAME + " and " + SqliteLedger.FILE_NAME);
      }
      store = Store.of(SqliteEventStore.open(dir));
      ledger = SqliteLedger.open(dir);
    } else {
      MongoEventStore mongo = MongoEventStore.connect(o.get("--mongodb-uri"), o.getOrDefault("--mongodb-database", "hub"));
      store = Store.of(mongo);
      ledger = new MongoLedger(mongo.database());
    }
    try (store; ledger) {
      LedgerAudit.Result result = new LedgerAudit(store.log(), store.feed(), ledger, 1000).run();
      if (result.difference().isPresent()) {
        throw new Invalid(result.difference().get().toString());
      }
      out.println("valid: all " + result.checked() + " leaves recomputed from the stored events match the ledger");
      return VALID;
    }
  }

  /** {@code verify export DIR [--key FILE]}: {@link ExportCheck}. */
  private int export(String[] args) {
    Path dir = null;
    JsonNode key = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--key")) {
        if (i + 1 >= args.length) {
          throw new UsageException("--key needs a value");
        }
        key = json(Path.of(args[++i]));
      } else if (args[i].startsWith("--") || dir != null) {
        throw new UsageException("unknown option \"" + args[i] + "\" for verify export");
      } else {
        dir = Path.of(args[i]);
      }
    }
    if (dir == null) {
      throw new UsageException("verify export needs the export directory");
    }
    out.println(ExportCheck.run(dir, key));
    return VALID;
  }

  /** The event as {@code GET /events/{id}} writes it; the payload is taken as its exact text. */
  static StoredEvent storedEvent(String eventText) {
    JsonNode e = parse(eventText, "--event");
    JsonNode meta = e.path("meta");
    String payload = LeafEncoding.members(eventText).stream().filter(m -> m.name().equals("payload")).map(PayloadMember::valueJson)
        .findFirst().orElseThrow(() -> new UsageException("--event: no payload; expected an event as GET /events/{id} answers it"));
    try {
      return new StoredEvent(new Event(text(e, "id"), text(meta, "service"), text(meta, "type"), Instant.parse(text(meta, "created_at")),
          text(meta, "aggregate_id"), meta.hasNonNull("correlation_id") ? meta.get("correlation_id").asText() : null, payload,
          io.annals.ops.history.ExportLine.extensions(meta.path("extensions"))),
          Instant.parse(text(meta, "received_at")));
    } catch (RuntimeException ex) {
      throw new UsageException("--event: not an event as GET /events/{id} answers it: " + ex.getMessage());
    }
  }

  static void checkSignature(JsonNode digest, PublicKey key, String option) {
    Position position = digest.path("position").isObject()
        ? new Position(Instant.parse(digest.path("position").path("received_at").asText()), digest.path("position").path("id").asText())
        : null;
    String body = SignedTreeHead.body(digest.path("origin").asText(), number(digest, "tree_size", option), hash(digest, "root_hash", option),
        position, Instant.parse(digest.path("time").asText()));
    byte[] signature;
    try {
      signature = HEX.parseHex(digest.path("signature").asText());
    } catch (IllegalArgumentException e) {
      throw new Invalid(option + ": the signature is not hex");
    }
    if (!LedgerKey.verify(key, body.getBytes(StandardCharsets.UTF_8), signature)) {
      throw new Invalid(option + ": the digest's signature does not verify with the key");
    }
  }

  static PublicKey publicKey(JsonNode key) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.path("public_key").asText())));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new UsageException("--key: no Ed25519 public_key; expected the answer of GET /ledger/key");
    }
  }

  private static long number(JsonNode node, String field, String option) {
    if (!node.path(field).canConvertToLong()) {
      throw new UsageException(option + ": no integer " + field);
    }
    return node.path(field).asLong();
  }

  private static byte[] hash(JsonNode node, String field, String option) {
    try {
      byte[] h = HEX.parseHex(node.path(field).asText());
      if (h.length == Rfc6962.HASH_BYTES) {
        return h;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new UsageException(option + ": " + field + " is not a hex SHA-256 hash");
  }

  private static List<byte[]> hashes(JsonNode node, String field, String option) {
    if (!node.path(field).isArray()) {
      throw new UsageException(option + ": no array " + field);
    }
    List<byte[]> out = new ArrayList<>();
    for (JsonNode h : node.path(field)) {
      try {
        out.add(HEX.parseHex(h.asText()));
      } catch (IllegalArgumentException e) {
        throw new Invalid(option + ": " + field + " holds " + h + ", not a hex hash");
      }
    }
    return out;
  }

  private static String text(JsonNode node, String field) {
    if (!node.path(field).isTextual()) {
      throw new IllegalArgumentException("no " + field);
    }
    return node.path(field).asText();
  }

  private static Map<String, Path> options(String[] args, String... names) {
    Map<String, Path> files = new LinkedHashMap<>();
    List<String> known = Arrays.asList(names);
    for (int i = 1; i < args.length; i++) {
      String flag = args[i];
      String value;
      int eq = flag.indexOf('=');
      if (eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new UsageException(flag + " needs a value");
      }
      if (!known.contains(flag)) {
        throw new UsageException("unknown option \"" + flag + "\" for verify " + args[0]);
      }
      if (files.put(flag, Path.of(value)) != null) {
        throw new UsageException(flag + " given twice");
      }
    }
    for (String name : names) {
      if (!files.containsKey(name)) {
        throw new UsageException(name + " is required");
      }
    }
    return files;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static JsonNode json(Path file) {
    return parse(read(file), file.toString());
  }

  private static JsonNode parse(String text, String what) {
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject()) {
        throw new UsageException(what + ": not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new UsageException(what + ": not JSON: " + e.getMessage());
    }
  }

  /** Bad options or unreadable input: exit 2. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** The proof does not verify: exit 1. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }
}
