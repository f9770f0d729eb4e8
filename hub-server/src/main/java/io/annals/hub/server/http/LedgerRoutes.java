package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.ledger.InclusionProof;
import io.annals.hub.server.ledger.LedgerKey;
import io.annals.hub.server.ledger.LedgerService;
import io.annals.hub.server.ledger.PayloadSalts;
import io.annals.hub.server.ledger.SignedTreeHead;
import io.annals.hub.server.query.QueryParameters;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The ledger (docs/ledger.md): {@code GET /ledger/digest} (a signed tree head), {@code GET
 * /ledger/key}, {@code GET /ledger/proof/inclusion?id=&tree_size=} and {@code GET
 * /ledger/proof/consistency?from=&to=}. Hashes in lower-case hex.
 */
public final class LedgerRoutes implements Routes {

  private static final String JSON = "application/json";
  private static final HexFormat HEX = HexFormat.of();
  private static final Set<String> INCLUSION_PARAMETERS = Set.of("id", "tree_size");
  private static final Set<String> CONSISTENCY_PARAMETERS = Set.of("from", "to");
  private static final Set<String> LEAVES_PARAMETERS = Set.of("from", "limit");
  static final int MAX_LEAVES = 1000;

  private final LedgerService ledger;
  private final EventJson json;

  public LedgerRoutes(LedgerService ledger, EventJson json) {
    this.ledger = ledger;
    this.json = json;
  }

  @Override
  public void register(Javalin app) {
    register(app, this::digest, this::key, this::inclusion, this::consistency, this::leaves);
  }

  /** The four endpoints with their operations (access control), here and in {@link LedgerOffRoutes}. */
  static void register(Javalin app, io.javalin.http.Handler digest, io.javalin.http.Handler key,
      io.javalin.http.Handler inclusion, io.javalin.http.Handler consistency, io.javalin.http.Handler leaves) {
    app.get("/ledger/digest", digest, Operation.LEDGER_DIGEST);
    app.get("/ledger/key", key, Operation.LEDGER_KEY);
    app.get("/ledger/proof/inclusion", inclusion, Operation.LEDGER_INCLUSION);
    app.get("/ledger/proof/consistency", consistency, Operation.LEDGER_CONSISTENCY);
    app.get("/ledger/leaves", leaves, Operation.LEDGER_LEAVES);
  }

  private void digest(Context ctx) {
    SignedTreeHead head = ledger.digest();
    ObjectNode body = json.object();
    body.put("tree_size", head.treeSize());
    body.put("root_hash", HEX.formatHex(head.rootHash()));
    if (head.position() == null) {
      body.putNull("position");
    } else {
      body.putObject("position").put("received_at", EventJson.time(head.position().receivedAt())).put("id", head.position().id());
    }
    body.put("time", EventJson.time(head.time()));
    body.put("origin", head.origin());
    body.put("key_id", HEX.formatHex(head.keyId()));
    body.put("signature", HEX.formatHex(head.signature()));
    body.put("checkpoint", head.checkpoint());
    send(ctx, body);
  }

  private void key(Context ctx) {
    LedgerKey key = ledger.key();
    ObjectNode body = json.object();
    body.put("algorithm", "Ed25519");
    body.put("origin", key.name());
    body.put("key_id", HEX.formatHex(key.keyId()));
    body.put("public_key", Base64.getEncoder().encodeToString(key.publicKey().getEncoded()));
    body.put("public_key_hex", HEX.formatHex(key.rawPublicKey()));
    body.put("verifier_key", key.verifierKey());
    send(ctx, body);
  }

  private void inclusion(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), INCLUSION_PARAMETERS);
    String id = p.text("id", QueryParameters.MAX_ID);
    if (id == null && ctx.queryParamMap().get("id") == null) {
      p.reject("id", "required: the id of a stored event");
    }
    long size = ledger.size();
    Long treeSize = size(p, "tree_size", size);
    p.check();
    long at = treeSize == null ? size : treeSize;
    InclusionProof proof = ledger.inclusion(id, at)
        .orElseThrow(() -> new NotFoundResponse("event " + id + " has no leaf in the ledger's first " + at
            + " leaves (unknown, or not yet below the feed's stable point)"));
    ObjectNode body = json.object();
    body.put("id", id);
    body.put("leaf_index", proof.leaf().index());
    body.put("tree_size", proof.treeSize());
    body.put("leaf_hash", HEX.formatHex(proof.leaf().leafHash()));
    hashes(body.putArray("audit_path"), proof.auditPath());
    ObjectNode salts = body.putObject("payload_salts");
    PayloadSalts.fromJson(proof.leaf().saltsJson()).byMember()
        .forEach((name, salt) -> salts.put(name, Base64.getUrlEncoder().withoutPadding().encodeToString(salt)));
    send(ctx, body);
  }

  private void consistency(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), CONSISTENCY_PARAMETERS);
    long size = ledger.size();
    Long from = size(p, "from", size);
    Long to = size(p, "to", size);
    if (ctx.queryParamMap().get("from") == null) {
      p.reject("from", "required: the size of the earlier tree, 1.." + size);
    }
    if (ctx.queryParamMap().get("to") == null) {
      p.reject("to", "required: the size of the later tree, 1.." + size);
    }
    if (from != null && to != null && from > to) {
      p.reject("from", "must not be larger than to (" + to + ")");
    }
    p.check();
    ObjectNode body = json.object();
    body.put("from", from);
    body.put("to", to);
    hashes(body.putArray("proof"), ledger.consistency(from, to));
    send(ctx, body);
  }

  /**
   * {@code GET /ledger/leaves?from=&limit=}: stored leaves in index order with their payload salts,
   * so that an export can carry what {@code annals-ops verify export} needs to recompute every leaf
   * without one inclusion proof per event. {@code next} is the index to ask for next, null at the end.
   */
  private void leaves(Context ctx) {
    QueryParameters p = new QueryParameters(ctx.queryParamMap(), LEAVES_PARAMETERS);
    long from = whole(p, "from", 0, Long.MAX_VALUE, 0);
    long limit = whole(p, "limit", 1, MAX_LEAVES, MAX_LEAVES);
    p.check();
    List<io.annals.hub.server.ledger.LedgerLeaf> leaves = ledger.leaves(from, (int) limit);
    // Written as bytes, not as a tree: the export reads a page of leaves beside each feed page, and the
    // tree and Jackson's generator cost more than the feed page itself (issue 26).
    ctx.status(200).contentType(JSON).result(json.leaves(leaves, leaves.size() == limit ? from + limit : null));
  }

  /** A whole number in {@code min..max}, {@code absent} when not given; reported when bad. */
  private static long whole(QueryParameters p, String name, long min, long max, long absent) {
    String v = p.text(name, 20);
    if (v == null) {
      return absent;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    p.reject(name, "must be an integer from " + min + " to " + max);
    return absent;
  }

  /** A tree size 1..{@code size}: null when absent or bad (then reported). */
  private static Long size(QueryParameters p, String name, long size) {
    String v = p.text(name, 20);
    if (v == null) {
      return null;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= 1 && n <= size) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    p.reject(name, size == 0 ? "the ledger is empty: no tree size is valid yet" : "must be an integer from 1 to " + size
        + " (the ledger's size now)");
    return null;
  }

  private static void hashes(ArrayNode out, List<byte[]> hashes) {
    hashes.forEach(h -> out.add(HEX.formatHex(h)));
  }

  private void send(Context ctx, ObjectNode body) {
    ctx.status(200).contentType(JSON).result(json.bytes(body));
  }
}
