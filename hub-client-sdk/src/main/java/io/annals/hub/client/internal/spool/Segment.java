package io.annals.hub.client.internal.spool;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One file of the spool's log, named after the sequence number of its first record. Records are
 * only ever appended; the file is deleted whole once every record in it is acknowledged.
 *
 * <p>Files are accessed through {@link RandomAccessFile}, not {@code FileChannel}: an interrupt of
 * a thread blocked in a {@code FileChannel} closes the channel for every thread, so one publisher
 * interrupted by its executor would break the spool for all. The size and count fields are
 * guarded by the owning {@link Spool}'s lock.
 */
final class Segment {

  private static final String PREFIX = "segment-";
  private static final String SUFFIX = ".log";
  private static final int WRITE_BUFFER = 1 << 20;

  final long base;
  final Path path;
  private final RandomAccessFile writer;
  private RandomAccessFile reader; // only the sender thread reads
  long size;
  int count;
  long lastSpooledAt;

  private Segment(long base, Path path, RandomAccessFile writer) {
    this.base = base;
    this.path = path;
    this.writer = writer;
  }

  static String fileName(long base) {
    return String.format("%s%020d%s", PREFIX, base, SUFFIX);
  }

  /** The base sequence number named by {@code file}, or -1 when it is not a segment file. */
  static long baseOf(Path file) {
    String name = file.getFileName().toString();
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)
        || name.length() != PREFIX.length() + 20 + SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(PREFIX.length(), PREFIX.length() + 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static Segment create(Path dir, long base) throws IOException {
    Path path = dir.resolve(fileName(base));
    return new Segment(base, path, new RandomAccessFile(path.toFile(), "rw"));
  }

  /** What recovery found in a segment file. */
  record Recovery(Segment segment, long discardedBytes) {}

  /**
   * Opens an existing segment, keeps its intact records and cuts the file after the last of them:
   * a torn write from a crash, or a corrupt record and everything after it, is truncated away.
   */
  static Recovery recover(Path path, long base) throws IOException {
    long length = Files.size(path);
    long end = 0;
    int count = 0;
    long lastSpooledAt = 0;
    try (InputStream file = Files.newInputStream(path);
        DataInputStream in = new DataInputStream(new BufferedInputStream(file, 1 << 16))) {
      Frame.Read frame;
      while ((frame = Frame.read(in, end, length - end)) != null) {
        end += frame.frameBytes();
        count++;
        lastSpooledAt = frame.spooledAtMillis();
      }
    }
    Segment segment = new Segment(base, path, new RandomAccessFile(path.toFile(), "rw"));
    if (end < length) {
      segment.writer.setLength(end);
      segment.writer.getFD().sync();
    }
    segment.size = end;
    segment.count = count;
    segment.lastSpooledAt = lastSpooledAt;
    return new Recovery(segment, length - end);
  }

  /**
   * Writes encoded frames ({@code bytes} in all) after the last record, gathered into few large
   * writes; on failure the file is cut back so that none of them stays, torn or whole.
   */
  void append(List<byte[]> frames, long bytes) throws IOException {
    try {
      writer.seek(size);
      byte[] buffer = new byte[(int) Math.min(bytes, WRITE_BUFFER)];
      int filled = 0;
      for (byte[] frame : frames) {
        if (filled > 0 && filled + frame.length > buffer.length) {
          writer.write(buffer, 0, filled);
          filled = 0;
        }
        if (frame.length >= buffer.length) {
          writer.write(frame);
        } else {
          System.arraycopy(frame, 0, buffer, filled, frame.length);
          filled += frame.length;
        }
      }
      writer.write(buffer, 0, filled);
    } catch (IOException e) {
      try {
        writer.setLength(size);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Forces written records to the disk. */
  void sync() throws IOException {
    writer.getFD().sync();
  }

  /**
   * Reads up to {@code maxRecords} records starting at byte {@code position}, stopping before the
   * record that would take the total over {@code maxBytes}; when {@code atLeastOne}, the first
   * record is read whatever its size (so one big event cannot stall delivery).
   */
  List<Frame.Read> read(long position, int maxRecords, long maxBytes, boolean atLeastOne)
      throws IOException {
    if (reader == null) {
      reader = new RandomAccessFile(path.toFile(), "r");
    }
    List<Frame.Read> records = new ArrayList<>();
    long bytes = 0;
    byte[] header = new byte[Frame.HEADER];
    while (records.size() < maxRecords) {
      reader.seek(position);
      reader.readFully(header);
      ByteBuffer head = ByteBuffer.wrap(header);
      int bodyLength = head.getInt() - 8;
      int crc = head.getInt();
      long spooledAt = head.getLong();
      if (bodyLength < 1 || bodyLength > Frame.MAX_BODY) {
        throw new IOException("corrupt record length " + bodyLength + " at byte " + position + " of " + path);
      }
      int frameBytes = Frame.HEADER + bodyLength;
      if ((!records.isEmpty() || !atLeastOne) && bytes + frameBytes > maxBytes) {
        break;
      }
      byte[] frame = new byte[frameBytes];
      System.arraycopy(header, 0, frame, 0, Frame.HEADER);
      reader.readFully(frame, Frame.HEADER, bodyLength);
      if (Frame.crc(frame, bodyLength) != crc) {
        throw new IOException("corrupt record (CRC mismatch) at byte " + position + " of " + path);
      }
      byte[] body = new byte[bodyLength];
      System.arraycopy(frame, Frame.HEADER, body, 0, bodyLength);
      records.add(new Frame.Read(position, frameBytes, spooledAt, body));
      bytes += frameBytes;
      position += frameBytes;
    }
    return records;
  }

  /** The byte position of the record with index {@code index} (0 = first), found by walking the headers. */
  long positionOf(int index) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
      long position = 0;
      for (int i = 0; i < index; i++) {
        file.seek(position);
        position += Frame.HEADER + file.readInt() - 8;
      }
      return position;
    }
  }

  void close() throws IOException {
    try {
      writer.close();
    } finally {
      if (reader != null) {
        reader.close();
      }
    }
  }

  void delete() throws IOException {
    close();
    Files.deleteIfExists(path);
  }
}
