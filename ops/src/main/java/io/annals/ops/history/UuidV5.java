package io.annals.ops.history;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * RFC 9562 name-based UUIDs (version 5, SHA-1), for ids derived from a legacy key: the same key
 * always gives the same id, so importing a legacy file twice is idempotent. Written out (a dozen
 * lines) rather than adding a UUID library for it (docs/decisions.md).
 */
final class UuidV5 {

  /**
   * The namespace of {@code import --id-from}: itself the UUIDv5 of the name {@code urn:annals:import}
   * in RFC 9562's URL namespace, {@code 6ba7b811-9dad-11d1-80b4-00c04fd430c8}. Documented in
   * docs/history.md so that another tool can derive the same ids.
   */
  static final UUID IMPORT_NAMESPACE = of(UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "urn:annals:import");

  private UuidV5() {}

  static UUID of(UUID namespace, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-1", e);
    }
    sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits()).array());
    byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0f) | 0x50);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }
}
