package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeafEncodingTest {

  private static final String PAYLOAD =
      "{\"amount\":3.0000,\"note\":\"a \\\"quoted\\\" }, and \\u00e9\",\"items\":[{\"sku\":\"x\",\"n\":[1,2]}],\"big\":123456789012345678901234567890,\"none\":null}";

  private static StoredEvent event(String payload, String correlationId) {
    return new StoredEvent(new Event("0190a4c8-6a4e-7d2a-8b1c-1234567890ab", "billing", "invoice.paid",
        Instant.parse("2026-01-01T12:00:00.123456Z"), "invoice-7", correlationId, payload),
        Instant.parse("2026-01-01T12:00:01.000001Z"));
  }

  private static Map<String, byte[]> salts(String payload) {
    return PayloadSalts.fresh(payload, new SecureRandom()).byMember();
  }

  @Test
  void member_values_are_the_exact_stored_text_of_each_top_level_member() {
    assertThat(LeafEncoding.members(PAYLOAD)).containsExactly(
        new PayloadMember("amount", "3.0000"),
        new PayloadMember("note", "\"a \\\"quoted\\\" }, and \\u00e9\""),
        new PayloadMember("items", "[{\"sku\":\"x\",\"n\":[1,2]}]"),
        new PayloadMember("big", "123456789012345678901234567890"),
        new PayloadMember("none", "null"));
    assertThat(LeafEncoding.members("{}")).isEmpty();
  }

  @Test
  void the_leaf_hash_recomputed_by_separate_code_from_docs_ledger_md_equals_the_hubs() throws IOException {
    StoredEvent e = event(PAYLOAD, "order-1");
    Map<String, byte[]> salts = salts(PAYLOAD);
    // Written from docs/ledger.md with DataOutputStream and the reference hash, not the hub's helpers.
    List<byte[]> digests = new ArrayList<>();
    for (String[] m : new String[][] {{"amount", "3.0000"}, {"note", "\"a \\\"quoted\\\" }, and \\u00e9\""},
        {"items", "[{\"sku\":\"x\",\"n\":[1,2]}]"}, {"big", "123456789012345678901234567890"}, {"none", "null"}}) {
      digests.add(ReferenceRfc6962.sha256(lp("annals-ledger-member-v1".getBytes(StandardCharsets.UTF_8)),
          lp(salts.get(m[0])), lp(m[0].getBytes(StandardCharsets.UTF_8)), lp(m[1].getBytes(StandardCharsets.UTF_8))));
    }
    digests.sort(Comparator.comparing(HexFormat.of()::formatHex));
    ByteArrayOutputStream commitment = new ByteArrayOutputStream();
    digests.forEach(commitment::writeBytes);
    ByteArrayOutputStream leaf = new ByteArrayOutputStream();
    for (String s : List.of("annals-ledger-leaf-v1", e.id(), "billing", "invoice.paid", "invoice-7")) {
      leaf.writeBytes(lp(s.getBytes(StandardCharsets.UTF_8)));
    }
    leaf.write(1);
    leaf.writeBytes(lp("order-1".getBytes(StandardCharsets.UTF_8)));
    leaf.writeBytes(lp("2026-01-01T12:00:00.123456Z".getBytes(StandardCharsets.UTF_8)));
    leaf.writeBytes(lp("2026-01-01T12:00:01.000001Z".getBytes(StandardCharsets.UTF_8)));
    leaf.writeBytes(lp(commitment.toByteArray()));

    assertThat(HexFormat.of().formatHex(LeafEncoding.leafHash(e, salts)))
        .isEqualTo(HexFormat.of().formatHex(ReferenceRfc6962.leaf(leaf.toByteArray())));
  }

  @Test
  void an_erased_member_whose_digest_is_kept_leaves_the_leaf_hash_unchanged() {
    StoredEvent full = event("{\"email\":\"ann@example.com\",\"amount\":5}", null);
    Map<String, byte[]> salts = salts(full.event().payloadJson());
    byte[] before = LeafEncoding.leafHash(full, salts);

    byte[] kept = LeafEncoding.memberDigest(salts.get("email"), "email", "\"ann@example.com\"");
    StoredEvent erased = event("{\"amount\":5}", null);
    List<byte[]> digests = new ArrayList<>(LeafEncoding.memberDigests(erased.event().payloadJson(), Map.of("amount", salts.get("amount"))));
    digests.add(kept);
    assertThat(Rfc6962.leafHash(LeafEncoding.leafData(erased, digests))).isEqualTo(before);
  }

  @Test
  void member_order_in_the_stored_text_does_not_change_the_commitment() {
    Map<String, byte[]> salts = new LinkedHashMap<>(salts("{\"a\":1,\"b\":2}"));
    assertThat(LeafEncoding.leafHash(event("{\"b\":2,\"a\":1}", null), salts))
        .isEqualTo(LeafEncoding.leafHash(event("{\"a\":1,\"b\":2}", null), salts));
  }

  @Test
  void every_field_changes_the_leaf_hash() {
    StoredEvent base = event("{\"a\":1}", null);
    Map<String, byte[]> salts = salts("{\"a\":1}");
    byte[] h = LeafEncoding.leafHash(base, salts);
    Event b = base.event();
    List<StoredEvent> changed = List.of(
        new StoredEvent(new Event("0190a4c8-6a4e-7d2a-8b1c-1234567890ac", b.service(), b.type(), b.createdAt(), b.aggregateId(), null, b.payloadJson()), base.receivedAt()),
        new StoredEvent(new Event(b.id(), "billinG", b.type(), b.createdAt(), b.aggregateId(), null, b.payloadJson()), base.receivedAt()),
        new StoredEvent(new Event(b.id(), b.service(), "invoice.paiD", b.createdAt(), b.aggregateId(), null, b.payloadJson()), base.receivedAt()),
        new StoredEvent(new Event(b.id(), b.service(), b.type(), b.createdAt().plusNanos(1000), b.aggregateId(), null, b.payloadJson()), base.receivedAt()),
        new StoredEvent(new Event(b.id(), b.service(), b.type(), b.createdAt(), "invoice-8", null, b.payloadJson()), base.receivedAt()),
        new StoredEvent(new Event(b.id(), b.service(), b.type(), b.createdAt(), b.aggregateId(), "", b.payloadJson()), base.receivedAt()),
        new StoredEvent(new Event(b.id(), b.service(), b.type(), b.createdAt(), b.aggregateId(), null, "{\"a\":1.0}"), base.receivedAt()),
        new StoredEvent(b, base.receivedAt().plusNanos(1000)));
    for (StoredEvent c : changed) {
      assertThat(LeafEncoding.leafHash(c, salts)).as(c.toString()).isNotEqualTo(h);
    }
  }

  @Test
  void extensions_are_committed_after_the_payload_as_docs_ledger_md_says_and_none_add_no_byte() throws IOException {
    StoredEvent plain = event("{\"a\":1}", null);
    Map<String, byte[]> salts = salts("{\"a\":1}");
    Map<String, String> ext = new LinkedHashMap<>();
    ext.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    ext.put("ce_id", "A234-1234-1234");
    StoredEvent withExt = new StoredEvent(plain.event().withExtensions(ext), plain.receivedAt());
    List<byte[]> digests = LeafEncoding.memberDigests("{\"a\":1}", salts);

    // By hand from docs/ledger.md: the leaf without extensions, then the tag and name/value fields in name order.
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(LeafEncoding.leafData(plain, digests));
    DataOutputStream out = new DataOutputStream(expected);
    for (String f : List.of("annals-ledger-extensions-v1", "ce_id", "A234-1234-1234", "traceparent",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")) {
      byte[] b = f.getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
    }

    assertThat(LeafEncoding.leafData(withExt, digests)).isEqualTo(expected.toByteArray());
    assertThat(LeafEncoding.leafData(new StoredEvent(plain.event().withExtensions(Map.of()), plain.receivedAt()), digests))
        .isEqualTo(LeafEncoding.leafData(plain, digests));
    StoredEvent otherValue = new StoredEvent(plain.event().withExtensions(Map.of("traceparent", "x", "ce_id", "A234-1234-1234")),
        plain.receivedAt());
    assertThat(LeafEncoding.leafHash(otherValue, salts)).isNotEqualTo(LeafEncoding.leafHash(withExt, salts));
  }

  @Test
  void a_member_without_a_salt_is_refused() {
    assertThatThrownBy(() -> LeafEncoding.leafHash(event("{\"a\":1,\"b\":2}", null), salts("{\"a\":1}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b");
  }

  @Test
  void salts_survive_their_json_form() {
    PayloadSalts s = PayloadSalts.fresh(PAYLOAD, new SecureRandom());
    PayloadSalts back = PayloadSalts.fromJson(s.toJson());
    assertThat(back.byMember().keySet()).containsExactlyElementsOf(s.byMember().keySet());
    s.byMember().forEach((k, v) -> assertThat(back.byMember().get(k)).isEqualTo(v));
  }

  @Test
  void salts_are_stored_as_the_text_jackson_writes_for_them() {
    // Written by hand since issue 29: the stored text must stay what the ObjectNode wrote.
    Map<String, byte[]> byMember = new LinkedHashMap<>();
    String[] names = {"plain", "a \"quoted\" name", "back\\slash", "tab\tand\u0001control", "\u00e9t\u00e9 \ud83d\ude00", "", "/slash"};
    for (int i = 0; i < names.length; i++) {
      byte[] salt = new byte[LeafEncoding.SALT_BYTES];
      java.util.Arrays.fill(salt, (byte) (i * 37 - 100));
      byMember.put(names[i], salt);
    }
    com.fasterxml.jackson.databind.node.ObjectNode tree = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    byMember.forEach((name, salt) -> tree.put(name, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(salt)));

    assertThat(new PayloadSalts(byMember).toJson()).isEqualTo(tree.toString());
    assertThat(new PayloadSalts(Map.of()).toJson()).isEqualTo("{}");
  }

  @Test
  void one_draw_of_random_bytes_gives_each_member_its_own_slice() {
    List<PayloadMember> members = LeafEncoding.members("{\"a\":1,\"b\":{\"annals:erased\":{\"erasure_id\":\"e\","
        + "\"erased_at\":\"2026-01-01T00:00:00Z\",\"digest\":\"" + "ab".repeat(32) + "\"}},\"c\":2}");
    byte[] draw = new byte[PayloadSalts.needed(members) * LeafEncoding.SALT_BYTES];
    for (int i = 0; i < draw.length; i++) {
      draw[i] = (byte) i;
    }

    PayloadSalts salts = PayloadSalts.fresh(members, java.nio.ByteBuffer.wrap(draw));

    assertThat(PayloadSalts.needed(members)).isEqualTo(2); // b is erased with its digest kept: no salt
    assertThat(salts.byMember().keySet()).containsExactly("a", "c");
    assertThat(salts.byMember().get("a")).isEqualTo(java.util.Arrays.copyOfRange(draw, 0, 16));
    assertThat(salts.byMember().get("c")).isEqualTo(java.util.Arrays.copyOfRange(draw, 16, 32));
  }

  private static byte[] lp(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DataOutputStream(out).writeInt(b.length);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
