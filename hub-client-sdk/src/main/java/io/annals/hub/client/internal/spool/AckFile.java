package io.annals.hub.client.internal.spool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The spool's acknowledgement file: the sequence number of the first record not yet acknowledged,
 * with a CRC. It is rewritten in place (16 bytes, one sector) and synced after each acknowledged
 * batch. A missing or damaged file reads as "unknown", and the spool then starts again at its
 * oldest segment: that re-sends delivered events, which the hub answers as duplicates, and loses
 * nothing.
 */
final class AckFile implements AutoCloseable {

  static final String NAME = "ack";

  private final RandomAccessFile file;

  private AckFile(RandomAccessFile file) {
    this.file = file;
  }

  static AckFile open(Path dir) throws IOException {
    return new AckFile(new RandomAccessFile(dir.resolve(NAME).toFile(), "rw"));
  }

  /** The acknowledged position, or -1 when the file is missing, short or damaged. */
  static long read(Path dir) throws IOException {
    Path path = dir.resolve(NAME);
    if (!Files.exists(path) || Files.size(path) < 16) {
      return -1;
    }
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path));
    long head = bytes.getLong();
    long crc = bytes.getLong();
    return head >= 0 && crc == crc(head) ? head : -1;
  }

  void write(long head) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(16).putLong(head).putLong(crc(head));
    file.seek(0);
    file.write(bytes.array());
    file.getFD().sync();
  }

  private static long crc(long head) {
    CRC32 crc = new CRC32();
    crc.update(ByteBuffer.allocate(8).putLong(head).array());
    return crc.getValue();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
