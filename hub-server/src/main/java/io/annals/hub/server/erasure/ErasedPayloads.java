package io.annals.hub.server.erasure;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.annals.hub.server.event.ErasureMarker;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.PayloadMember;
import io.annals.hub.server.ledger.PayloadSalts;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites one payload for an erasure: each erased top-level member's value becomes an {@link
 * ErasureMarker}; every other member keeps its value text byte for byte, so its ledger digest is
 * unchanged. When the event has a leaf, the marker keeps the member digest the leaf committed to,
 * and the member's salt is dropped.
 */
final class ErasedPayloads {

  private ErasedPayloads() {}

  /**
   * @param payloadJson the payload text after the erasure
   * @param salts the leaf's salts after the erasure; null when the event had no leaf
   * @param changed whether the payload or the salts differ from before
   * @param erased the members this erasure turned into markers (not those erased before)
   */
  record Rewrite(String payloadJson, PayloadSalts salts, boolean changed, List<String> erased) {}

  /**
   * Erases {@code names} (null: every member) from {@code payloadJson}. Members erased before keep
   * their marker (the first erasure's id and time); a salt left behind for one (a crash between
   * the payload's rewrite and the salts') is dropped now.
   *
   * @param salts the event's leaf salts, or null when it has no leaf (yet)
   */
  static Rewrite erase(String payloadJson, Set<String> names, String erasureId, Instant at, PayloadSalts salts) {
    List<PayloadMember> members = LeafEncoding.members(payloadJson);
    Map<String, byte[]> saltsLeft = salts == null ? null : new LinkedHashMap<>(salts.byMember());
    StringBuilder out = new StringBuilder(payloadJson.length());
    out.append('{');
    boolean changed = false;
    List<String> erased = new java.util.ArrayList<>();
    for (PayloadMember m : members) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(m.name())).append("\":");
      boolean named = names == null || names.contains(m.name());
      java.util.Optional<ErasureMarker> before = ErasureMarker.parse(m.valueJson());
      if (!named || before.isPresent()) {
        out.append(m.valueJson());
        // A marker with a digest needs no salt; one without (erased before its leaf) is committed to by its salt.
        if (named && before.isPresent() && before.get().digest() != null && saltsLeft != null && saltsLeft.remove(m.name()) != null) {
          changed = true;
        }
        continue;
      }
      byte[] salt = saltsLeft == null ? null : saltsLeft.remove(m.name());
      byte[] digest = salt == null ? null : LeafEncoding.memberDigest(salt, m.name(), m.valueJson());
      out.append(new ErasureMarker(erasureId, at, digest).toJson());
      erased.add(m.name());
      changed = true;
    }
    out.append('}');
    return new Rewrite(changed ? out.toString() : payloadJson, saltsLeft == null ? null : new PayloadSalts(saltsLeft), changed, erased);
  }
}
