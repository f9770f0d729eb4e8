package io.annals.hub.server.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * What an erased payload member holds instead of its value (docs/erasure.md):
 * {@code {"annals:erased":{"erasure_id":"…","erased_at":"…","digest":"<hex>"}}}. The value and its
 * ledger salt are gone; {@code digest} is the member digest the ledger leaf committed to, kept so
 * that the leaf hash, and every proof made before, can still be recomputed. It is absent when the
 * member was erased before its event had a leaf (the leaf then commits to this marker instead).
 *
 * <p>Stored in the payload text itself, so that every read form (single, lists, aggregate, feed,
 * CloudEvents) shows it without knowing about erasures.
 *
 * @param digest the kept member digest (32 bytes), or null
 */
public record ErasureMarker(String erasureId, Instant erasedAt, byte[] digest) {

  /** The marker's one member name. */
  public static final String KEY = "annals:erased";
  private static final String PREFIX = "{\"" + KEY + "\":";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  public ErasureMarker {
    Objects.requireNonNull(erasureId, "erasureId");
    Objects.requireNonNull(erasedAt, "erasedAt");
    if (digest != null && digest.length != 32) {
      throw new IllegalArgumentException("a member digest is 32 bytes");
    }
  }

  /** The marker as compact JSON text: the value the erased member holds from now on. */
  public String toJson() {
    ObjectNode inner = JSON.createObjectNode().put("erasure_id", erasureId).put("erased_at", io.annals.hub.wire.WireTime.format(erasedAt));
    if (digest != null) {
      inner.put("digest", HEX.formatHex(digest));
    }
    return JSON.createObjectNode().set(KEY, inner).toString();
  }

  /** True when this value text could be a marker (a cheap test before {@link #parse}). */
  public static boolean looksErased(String valueJson) {
    return valueJson.startsWith(PREFIX);
  }

  /** The marker this member value is, or empty when it is an ordinary value. */
  public static Optional<ErasureMarker> parse(String valueJson) {
    if (!looksErased(valueJson)) {
      return Optional.empty();
    }
    try {
      return parse(JSON.readTree(valueJson));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** The marker this member value is, or empty when it is an ordinary value. */
  public static Optional<ErasureMarker> parse(JsonNode value) {
    if (value == null || !value.isObject() || value.size() != 1 || !value.path(KEY).isObject()) {
      return Optional.empty();
    }
    JsonNode inner = value.get(KEY);
    if (!inner.path("erasure_id").isTextual() || !inner.path("erased_at").isTextual()) {
      return Optional.empty();
    }
    try {
      byte[] digest = null;
      if (inner.has("digest")) {
        digest = HEX.parseHex(inner.path("digest").asText());
        if (digest.length != 32) {
          return Optional.empty();
        }
      }
      return Optional.of(new ErasureMarker(inner.get("erasure_id").asText(), Instant.parse(inner.get("erased_at").asText()), digest));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The member digest a marker kept, when {@code valueJson} is a marker that kept one. */
  public static Optional<byte[]> keptDigest(String valueJson) {
    return parse(valueJson).map(ErasureMarker::digest);
  }
}
