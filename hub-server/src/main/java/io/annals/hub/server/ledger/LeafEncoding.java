package io.annals.hub.server.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.http.EventJson;
import io.annals.hub.wire.WireTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The bytes a leaf commits to (docs/ledger.md, "Leaf"): length-prefixed fields, not canonical
 * JSON, because the payload is committed to as the exact text the hub stores (decimals as sent;
 * RFC 8785 would rewrite {@code 3.0000} as {@code 3} and round big integers) and because a
 * length prefix needs no escaping rules to re-implement.
 *
 * <p>The payload is committed to through one salted digest per top-level member, as SD-JWT
 * commits to claims: an erasure can later drop a member's value and salt and keep its digest, and
 * the leaf hash, so every proof, stays the same.
 */
public final class LeafEncoding {

  static final byte[] LEAF_TAG = "annals-ledger-leaf-v1".getBytes(StandardCharsets.UTF_8);
  static final byte[] MEMBER_TAG = "annals-ledger-member-v1".getBytes(StandardCharsets.UTF_8);
  static final byte[] EXTENSIONS_TAG = "annals-ledger-extensions-v1".getBytes(StandardCharsets.UTF_8);
  public static final int SALT_BYTES = 16;
  private static final JsonFactory JSON = new JsonFactory();

  private LeafEncoding() {}

  /** SHA-256(field(tag) ‖ field(salt) ‖ field(name) ‖ field(value text)). */
  public static byte[] memberDigest(byte[] salt, String name, String valueJson) {
    MessageDigest sha = Rfc6962.sha256();
    update(sha, MEMBER_TAG);
    update(sha, salt);
    update(sha, utf8(name));
    update(sha, utf8(valueJson));
    return sha.digest();
  }

  /** field(value) into {@code sha}, without building the field first. */
  private static void update(MessageDigest sha, byte[] value) {
    sha.update(length(value.length));
    sha.update(value);
  }

  /** The member digests of a payload, one salt per member name (every member must have one). */
  public static List<byte[]> memberDigests(String payloadJson, Map<String, byte[]> salts) {
    return memberDigests(members(payloadJson), salts);
  }

  /** As {@link #memberDigests(String, Map)}, for the payload's {@link #members} read already. */
  static List<byte[]> memberDigests(List<PayloadMember> members, Map<String, byte[]> salts) {
    List<byte[]> digests = new ArrayList<>(members.size());
    for (PayloadMember m : members) {
      // An erased member (ErasureMarker) keeps the digest its leaf committed to; its salt is gone.
      java.util.Optional<byte[]> kept = io.annals.hub.server.event.ErasureMarker.keptDigest(m.valueJson());
      if (kept.isPresent()) {
        digests.add(kept.get());
        continue;
      }
      byte[] salt = salts.get(m.name());
      if (salt == null) {
        throw new IllegalArgumentException("no salt for payload member " + m.name());
      }
      digests.add(memberDigest(salt, m.name(), m.valueJson()));
    }
    return digests;
  }

  /** leaf_data of docs/ledger.md for this event and its payload's member digests (in any order). */
  public static byte[] leafData(StoredEvent stored, List<byte[]> memberDigests) {
    Event e = stored.event();
    // Room for a typical leaf: 256 bytes made every leaf grow the buffer once (issue 29).
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    write(out, LEAF_TAG);
    write(out, utf8(e.id()));
    write(out, utf8(e.service()));
    write(out, utf8(e.type()));
    write(out, utf8(e.aggregateId()));
    if (e.correlationId() == null) {
      out.write(0);
    } else {
      out.write(1);
      write(out, utf8(e.correlationId()));
    }
    write(out, time(e.createdAt()));
    write(out, time(stored.receivedAt()));
    List<byte[]> sorted = new ArrayList<>(memberDigests);
    sorted.sort(Arrays::compareUnsigned);
    // field(concatenated digests), written digest by digest.
    out.writeBytes(length(sorted.size() * Rfc6962.HASH_BYTES));
    sorted.forEach(out::writeBytes);
    extensions(e.extensions(), out);
    return out.toByteArray();
  }

  /** field(value) onto {@code out}, without building the field first. */
  private static void write(ByteArrayOutputStream out, byte[] value) {
    out.writeBytes(length(value.length));
    out.writeBytes(value);
  }

  /** The 4-byte big-endian length that starts a field. */
  private static byte[] length(int bytes) {
    return ByteBuffer.allocate(4).putInt(bytes).array();
  }

  /** {@link EventJson#time} as UTF-8, written straight into bytes when the year has four digits (always, in practice). */
  private static byte[] time(Instant t) {
    byte[] text = new byte[WireTime.LENGTH];
    return WireTime.write(t, text, 0) ? text : utf8(EventJson.time(t));
  }

  /**
   * {@code meta.extensions}, when the event has any: field(tag) then field(name) ‖ field(value) per
   * extension in name order. An event without extensions adds nothing, so every leaf written
   * before extensions existed encodes, and verifies, exactly as it did.
   */
  private static void extensions(Map<String, String> extensions, ByteArrayOutputStream out) {
    if (extensions.isEmpty()) {
      return;
    }
    write(out, EXTENSIONS_TAG);
    // Event keeps them sorted by name (String order, which is byte order for the ASCII names allowed).
    extensions.forEach((name, value) -> {
      write(out, utf8(name));
      write(out, utf8(value));
    });
  }

  /** The leaf hash: RFC 6962's SHA-256(0x00 ‖ leaf_data). */
  public static byte[] leafHash(StoredEvent stored, Map<String, byte[]> salts) {
    return leafHash(stored, members(stored.event().payloadJson()), salts);
  }

  /** As {@link #leafHash(StoredEvent, Map)}, for the payload's {@link #members} read already (the appender reads them once). */
  static byte[] leafHash(StoredEvent stored, List<PayloadMember> members, Map<String, byte[]> salts) {
    return Rfc6962.leafHash(leafData(stored, memberDigests(members, salts)));
  }

  /**
   * The top-level members of a payload object, in stored order, each value as the exact
   * substring of the stored text (read with a streaming parser's offsets, never re-encoded).
   */
  public static List<PayloadMember> members(String payloadJson) {
    List<PayloadMember> members = new ArrayList<>();
    try (JsonParser p = JSON.createParser(payloadJson)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("a payload is a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        int start = (int) p.currentTokenLocation().getCharOffset();
        if (value.isStructStart()) {
          p.skipChildren();
        } else {
          p.finishToken(); // a string is read lazily; finish it so the offset is past its closing quote
        }
        int end = (int) p.currentLocation().getCharOffset();
        members.add(new PayloadMember(name, payloadJson.substring(start, end)));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("a stored payload is not a JSON object: " + e.getMessage(), e);
    }
    return members;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
