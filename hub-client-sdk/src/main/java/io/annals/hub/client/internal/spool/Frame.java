package io.annals.hub.client.internal.spool;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one record (format 2):
 * {@code int magic | int bodyLength | long seq | long spooledAtMillis | int headerCrc | int bodyCrc | body},
 * big-endian, where {@code headerCrc} is the CRC32C of the 24 bytes before it and {@code bodyCrc}
 * the CRC32C of the body. The magic is a sync marker: after damaged bytes, recovery finds the next
 * record by looking for it and checking both CRCs, so one damaged record never hides the ones after
 * it. The header's own CRC means a flipped length cannot pass as another record's extent, and the
 * sequence number says which records a damaged stretch held.
 *
 * <p>Format 1 ({@code int length | int crc32 | long spooledAtMillis | body}, length counting the
 * timestamp and body, CRC32 over all but itself) is still read, so that spools written before the
 * upgrade are delivered; recovery rewrites them in format 2. Its first byte is always below 0x05,
 * never the magic's 0xA5, so the first four bytes of a segment tell the two apart.
 */
final class Frame {

  static final int MAGIC = 0xA553504C; // 0xA5 'S' 'P' 'L'
  static final int HEADER = 32;
  static final int V1_HEADER = 16;
  /** Larger lengths are corruption: no hub accepts a single event this big. */
  static final int MAX_BODY = 64 * 1024 * 1024;

  private Frame() {}

  static byte[] encode(long seq, long spooledAtMillis, byte[] body) {
    ByteBuffer frame = ByteBuffer.allocate(HEADER + body.length);
    frame.putInt(MAGIC).putInt(body.length).putLong(seq).putLong(spooledAtMillis);
    frame.putInt(crc32c(frame.array(), 0, 24)).putInt(crc32c(body, 0, body.length)).put(body);
    return frame.array();
  }

  static int crc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  static int crc32c(ByteBuffer bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.slice(offset, length));
    return (int) crc.getValue();
  }

  /** A format-2 header read back, already checked against its CRC. */
  record Header(int bodyLength, long seq, long spooledAtMillis, int bodyCrc) {

    int frameBytes() {
      return HEADER + bodyLength;
    }
  }

  /** The header in {@code header} (32 bytes from {@code at}), or null when it is not one (magic, CRC, length). */
  static Header header(ByteBuffer header, int at) {
    if (header.getInt(at) != MAGIC || header.getInt(at + 24) != crc32c(header, at, 24)) {
      return null;
    }
    int bodyLength = header.getInt(at + 4);
    if (bodyLength < 1 || bodyLength > MAX_BODY) {
      return null;
    }
    return new Header(bodyLength, header.getLong(at + 8), header.getLong(at + 16), header.getInt(at + 28));
  }

  /** One frame read back: its sequence number, where it started and how many bytes it takes on disk. */
  record Read(long seq, long position, int frameBytes, long spooledAtMillis, byte[] body) {}

  /**
   * The body length of the format-1 frame at {@code at} when it is intact (plausible length, whole
   * within {@code limit}, CRC32 matching), else -1.
   */
  static int v1BodyLength(ByteBuffer file, int at, int limit) {
    if (limit - at < V1_HEADER) {
      return -1;
    }
    int bodyLength = file.getInt(at) - 8;
    if (bodyLength < 1 || bodyLength > MAX_BODY || (long) at + V1_HEADER + bodyLength > limit) {
      return -1;
    }
    CRC32 crc = new CRC32();
    crc.update(file.slice(at, 4));
    crc.update(file.slice(at + 8, 8 + bodyLength));
    return (int) crc.getValue() == file.getInt(at + 4) ? bodyLength : -1;
  }
}
