package io.annals.hub.server.ledger;

import io.annals.hub.server.http.EventJson;
import io.annals.hub.server.store.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A signed tree head as a C2SP {@code tlog-checkpoint} signed note (docs/ledger.md): the origin
 * line, the tree size, the base64 root hash, then two extension lines, {@code position
 * <received_at> <event id>} (the feed position of the last leaf; absent for the empty tree) and
 * {@code time <signing time>}. The Ed25519 signature covers exactly {@link #body()}.
 */
public record SignedTreeHead(String origin, long treeSize, byte[] rootHash, Position position, Instant time, byte[] keyId,
    byte[] signature) {

  /** The signed text: every line ends with a newline. */
  public static String body(String origin, long treeSize, byte[] rootHash, Position position, Instant time) {
    StringBuilder b = new StringBuilder();
    b.append(origin).append('\n').append(treeSize).append('\n').append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
    if (position != null) {
      b.append("position ").append(EventJson.time(position.receivedAt())).append(' ').append(position.id()).append('\n');
    }
    b.append("time ").append(EventJson.time(time)).append('\n');
    return b.toString();
  }

  public String body() {
    return body(origin, treeSize, rootHash, position, time);
  }

  /** The whole note: the body, a blank line and the signature line {@code — <origin> <base64(key id ‖ signature)>}. */
  public String checkpoint() {
    byte[] keyAndSig = new byte[keyId.length + signature.length];
    System.arraycopy(keyId, 0, keyAndSig, 0, keyId.length);
    System.arraycopy(signature, 0, keyAndSig, keyId.length, signature.length);
    return body() + "\n\u2014 " + origin + " " + Base64.getEncoder().encodeToString(keyAndSig) + "\n";
  }

  public static SignedTreeHead sign(LedgerKey key, long treeSize, byte[] rootHash, Position position, Instant time) {
    byte[] sig = key.sign(body(key.name(), treeSize, rootHash, position, time).getBytes(StandardCharsets.UTF_8));
    return new SignedTreeHead(key.name(), treeSize, rootHash, position, time, key.keyId(), sig);
  }
}
