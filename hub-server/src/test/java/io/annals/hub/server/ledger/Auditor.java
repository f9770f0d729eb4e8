package io.annals.hub.server.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * What an auditor writes from docs/ledger.md alone, sharing no code with the hub: the leaf hash of
 * an event as {@code GET /events/{id}} answers it, and the check of a digest's signature with the
 * JDK's Ed25519 verifier. The Merkle checks are {@link ReferenceRfc6962}'s.
 */
public final class Auditor {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private Auditor() {}

  /** The leaf hash of the event JSON ({@code GET /events/{id}}) with the salts of its inclusion proof. */
  public static byte[] leafHash(String eventJson, JsonNode payloadSalts) throws IOException {
    JsonNode event = JSON.readTree(eventJson);
    JsonNode meta = event.get("meta");
    ByteArrayOutputStream leaf = new ByteArrayOutputStream();
    for (String s : List.of("annals-ledger-leaf-v1", event.get("id").asText(), meta.get("service").asText(),
        meta.get("type").asText(), meta.get("aggregate_id").asText())) {
      leaf.writeBytes(field(s));
    }
    if (meta.hasNonNull("correlation_id")) {
      leaf.write(1);
      leaf.writeBytes(field(meta.get("correlation_id").asText()));
    } else {
      leaf.write(0);
    }
    leaf.writeBytes(field(meta.get("created_at").asText()));
    leaf.writeBytes(field(meta.get("received_at").asText()));
    List<byte[]> digests = new ArrayList<>();
    for (String[] member : members(payloadText(eventJson))) {
      // An erased member (docs/erasure.md): {"annals:erased":{..., "digest": hex}} stands for its digest.
      JsonNode value = JSON.readTree(member[1]);
      if (value.isObject() && value.size() == 1 && value.path("annals:erased").has("digest")) {
        digests.add(HEX.parseHex(value.get("annals:erased").get("digest").asText()));
        continue;
      }
      byte[] salt = Base64.getUrlDecoder().decode(payloadSalts.get(member[0]).asText());
      digests.add(ReferenceRfc6962.sha256(field("annals-ledger-member-v1".getBytes(StandardCharsets.UTF_8)), field(salt),
          field(member[0]), field(member[1])));
    }
    digests.sort(Comparator.comparing(HEX::formatHex));
    ByteArrayOutputStream commitment = new ByteArrayOutputStream();
    digests.forEach(commitment::writeBytes);
    leaf.writeBytes(field(commitment.toByteArray()));
    // extensions_commitment: nothing without meta.extensions, else its names in ascending order with their values.
    JsonNode extensions = meta.get("extensions");
    if (extensions != null && extensions.isObject() && !extensions.isEmpty()) {
      leaf.writeBytes(field("annals-ledger-extensions-v1"));
      java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
      extensions.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
      sorted.forEach((name, value) -> {
        leaf.writeBytes(field(name));
        leaf.writeBytes(field(value));
      });
    }
    return ReferenceRfc6962.leaf(leaf.toByteArray());
  }

  /** Does the digest ({@code GET /ledger/digest}) verify with the key ({@code GET /ledger/key})? */
  static boolean signatureVerifies(JsonNode digest, JsonNode key) throws Exception {
    StringBuilder body = new StringBuilder();
    body.append(digest.get("origin").asText()).append('\n').append(digest.get("tree_size").asLong()).append('\n')
        .append(Base64.getEncoder().encodeToString(HEX.parseHex(digest.get("root_hash").asText()))).append('\n');
    if (!digest.get("position").isNull()) {
      body.append("position ").append(digest.get("position").get("received_at").asText()).append(' ')
          .append(digest.get("position").get("id").asText()).append('\n');
    }
    body.append("time ").append(digest.get("time").asText()).append('\n');
    PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
        Base64.getDecoder().decode(key.get("public_key").asText())));
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(pub);
    verifier.update(body.toString().getBytes(StandardCharsets.UTF_8));
    return verifier.verify(HEX.parseHex(digest.get("signature").asText()))
        && digest.get("checkpoint").asText().startsWith(body + "\n\u2014 " + digest.get("origin").asText() + " ");
  }

  public static List<byte[]> hashes(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(h -> out.add(HEX.parseHex(h.asText())));
    return out;
  }

  /** The payload's exact text inside the event JSON, by parser offsets. */
  private static String payloadText(String eventJson) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(eventJson)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        int start = (int) p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        if (name.equals("payload")) {
          return eventJson.substring(start, (int) p.currentLocation().getCharOffset());
        }
      }
    }
    throw new IllegalArgumentException("no payload in " + eventJson);
  }

  /** {name, exact value text} of each top-level member. */
  private static List<String[]> members(String payload) throws IOException {
    List<String[]> out = new ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(payload)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        int start = (int) p.currentTokenLocation().getCharOffset();
        if (t.isStructStart()) {
          p.skipChildren();
        } else {
          p.getText(); // completes a lazily read string
        }
        out.add(new String[] {name, payload.substring(start, (int) p.currentLocation().getCharOffset())});
      }
    }
    return out;
  }

  private static byte[] field(String s) {
    return field(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] field(byte[] b) {
    return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
  }
}
