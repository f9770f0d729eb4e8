package io.annals.hub.client.internal.spool;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * The on-disk form of one record: {@code int length | int crc32 | long spooledAtMillis | body},
 * where {@code length} counts the timestamp and body, and the CRC covers the length, timestamp
 * and body. Covering the length means a torn or flipped length cannot pass as a shorter record.
 */
final class Frame {

  static final int HEADER = 16;
  /** Larger lengths are corruption: no hub accepts a single event this big. */
  static final int MAX_BODY = 64 * 1024 * 1024;

  private Frame() {}

  static byte[] encode(long spooledAtMillis, byte[] body) {
    ByteBuffer frame = ByteBuffer.allocate(HEADER + body.length);
    frame.putInt(8 + body.length).putInt(0).putLong(spooledAtMillis).put(body);
    frame.putInt(4, crc(frame.array(), body.length));
    return frame.array();
  }

  /** The CRC of an encoded frame's length, timestamp and body (the CRC field is skipped). */
  static int crc(byte[] frame, int bodyLength) {
    CRC32 crc = new CRC32();
    crc.update(frame, 0, 4);
    crc.update(frame, 8, 8 + bodyLength);
    return (int) crc.getValue();
  }

  /** One frame read back: where it started and how many bytes it takes on disk. */
  record Read(long position, int frameBytes, long spooledAtMillis, byte[] body) {}

  /**
   * Reads the frame at {@code position}, or returns null when what is there is not an intact
   * frame (end of data, torn write, impossible length or CRC mismatch).
   */
  static Read read(DataInputStream in, long position, long available) throws IOException {
    if (available < HEADER) {
      return null;
    }
    byte[] header = new byte[HEADER];
    in.readFully(header);
    ByteBuffer head = ByteBuffer.wrap(header);
    int length = head.getInt();
    int expectedCrc = head.getInt();
    long spooledAt = head.getLong();
    int bodyLength = length - 8;
    if (bodyLength < 1 || bodyLength > MAX_BODY || HEADER + (long) bodyLength > available) {
      return null;
    }
    byte[] frame = new byte[HEADER + bodyLength];
    System.arraycopy(header, 0, frame, 0, HEADER);
    try {
      in.readFully(frame, HEADER, bodyLength);
    } catch (EOFException e) {
      return null;
    }
    if (crc(frame, bodyLength) != expectedCrc) {
      return null;
    }
    byte[] body = new byte[bodyLength];
    System.arraycopy(frame, HEADER, body, 0, bodyLength);
    return new Read(position, frame.length, spooledAt, body);
  }
}
