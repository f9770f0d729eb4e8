package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.store.Position;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The signed tree head checked as docs/ledger.md tells an auditor to, with the JDK's Ed25519 verifier only. */
class SignedTreeHeadTest {

  private final LedgerKey key = keyPair();

  private static LedgerKey keyPair() {
    var pair = LedgerKey.generate();
    return LedgerKey.of(pair.getPrivate(), pair.getPublic());
  }

  private final byte[] root = ReferenceRfc6962.sha256("root".getBytes(StandardCharsets.UTF_8));
  private final Position position = new Position(Instant.parse("2026-01-01T12:00:00.000001Z"), "0190a4c8-6a4e-7d2a-8b1c-1234567890ab");
  private final Instant time = Instant.parse("2026-01-01T12:00:05.5Z");

  @Test
  void the_checkpoint_is_the_documented_text_and_its_signature_verifies_with_the_jdk_alone() throws Exception {
    SignedTreeHead head = SignedTreeHead.sign(key, 42, root, position, time);
    String expectedBody = key.name() + "\n42\n" + Base64.getEncoder().encodeToString(root) + "\n"
        + "position 2026-01-01T12:00:00.000001Z 0190a4c8-6a4e-7d2a-8b1c-1234567890ab\n"
        + "time 2026-01-01T12:00:05.500000Z\n";
    assertThat(head.checkpoint()).startsWith(expectedBody + "\n\u2014 " + key.name() + " ");

    // From the published key (SubjectPublicKeyInfo, base64) and the note, as an auditor would.
    PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(
        new X509EncodedKeySpec(Base64.getDecoder().decode(Base64.getEncoder().encodeToString(key.publicKey().getEncoded()))));
    String sigLine = head.checkpoint().substring(head.checkpoint().lastIndexOf('\u2014'));
    byte[] keyAndSig = Base64.getDecoder().decode(sigLine.substring(sigLine.lastIndexOf(' ') + 1).trim());
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(pub);
    verifier.update(expectedBody.getBytes(StandardCharsets.UTF_8));
    assertThat(verifier.verify(Arrays.copyOfRange(keyAndSig, 4, keyAndSig.length))).isTrue();

    // Key id as C2SP signed-note defines it: SHA-256(name ‖ "\n" ‖ 0x01 ‖ raw public key)[:4].
    byte[] raw = Arrays.copyOfRange(key.publicKey().getEncoded(), 12, 44);
    byte[] idInput = new byte[key.name().length() + 2 + 32];
    System.arraycopy(key.name().getBytes(StandardCharsets.UTF_8), 0, idInput, 0, key.name().length());
    idInput[key.name().length()] = '\n';
    idInput[key.name().length() + 1] = 1;
    System.arraycopy(raw, 0, idInput, key.name().length() + 2, 32);
    byte[] id = Arrays.copyOf(ReferenceRfc6962.sha256(idInput), 4);
    assertThat(Arrays.copyOf(keyAndSig, 4)).isEqualTo(id);
    assertThat(key.verifierKey()).isEqualTo(key.name() + "+" + HexFormat.of().formatHex(id) + "+"
        + Base64.getEncoder().encodeToString(concat(new byte[] {1}, raw)));
  }

  @Test
  void a_changed_size_root_or_position_no_longer_verifies() {
    SignedTreeHead head = SignedTreeHead.sign(key, 42, root, position, time);
    byte[] otherRoot = root.clone();
    otherRoot[0] ^= 1;
    for (String forged : new String[] {
        SignedTreeHead.body(key.name(), 43, root, position, time),
        SignedTreeHead.body(key.name(), 42, otherRoot, position, time),
        SignedTreeHead.body(key.name(), 42, root, new Position(position.receivedAt(), "x"), time),
        SignedTreeHead.body(key.name(), 42, root, position, time.plusSeconds(1))}) {
      assertThat(LedgerKey.verify(key.publicKey(), forged.getBytes(StandardCharsets.UTF_8), head.signature())).as(forged).isFalse();
    }
    assertThat(LedgerKey.verify(key.publicKey(), head.body().getBytes(StandardCharsets.UTF_8), head.signature())).isTrue();
  }

  @Test
  void the_empty_tree_has_no_position_line() {
    SignedTreeHead head = SignedTreeHead.sign(key, 0, Rfc6962.emptyRoot(), null, time);
    assertThat(head.body()).isEqualTo(key.name() + "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ntime 2026-01-01T12:00:05.500000Z\n");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
