package io.annals.hub.client.internal.spool;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
  private static final String TEMPORARY = ".tmp";
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

  /** Opens a segment file that recovery found intact: {@code count} records in {@code size} bytes. */
  static Segment open(Path path, long base, long size, int count, long lastSpooledAt) throws IOException {
    Segment segment = new Segment(base, path, new RandomAccessFile(path.toFile(), "rw"));
    if (segment.writer.length() != size) {
      segment.writer.setLength(size); // a torn write at the end is cut
      segment.writer.getFD().sync();
    }
    segment.size = size;
    segment.count = count;
    segment.lastSpooledAt = lastSpooledAt;
    return segment;
  }

  /**
   * Writes {@code frames} as the whole segment file of {@code base}, atomically: to a temporary file,
   * synced, then renamed over any file of that name, so a crash leaves the old file or the new one.
   */
  static Path write(Path dir, long base, List<byte[]> frames) throws IOException {
    Path path = dir.resolve(fileName(base));
    Path temporary = dir.resolve(fileName(base) + TEMPORARY);
    try (FileOutputStream out = new FileOutputStream(temporary.toFile())) {
      BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
      for (byte[] frame : frames) {
        buffered.write(frame);
      }
      buffered.flush();
      out.getFD().sync();
    }
    Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return path;
  }

  /** Whether {@code file} is a temporary file of {@link #write} that a crash left behind. */
  static boolean isTemporary(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(PREFIX) && name.endsWith(SUFFIX + TEMPORARY);
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
   * Reads up to {@code maxRecords} records starting at byte {@code position}, which holds record
   * {@code seq}, stopping before the record that would take the total over {@code maxBytes}; when
   * {@code atLeastOne}, the first record is read whatever its size (so one big event cannot stall
   * delivery).
   *
   * @throws IOException when a record is not intact (damaged after recovery checked it)
   */
  List<Frame.Read> read(long position, long seq, int maxRecords, long maxBytes, boolean atLeastOne)
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
      Frame.Header head = Frame.header(ByteBuffer.wrap(header), 0);
      if (head == null || head.seq() != seq) {
        throw new IOException("damaged record header at byte " + position + " of " + path + " (expected record "
            + seq + (head == null ? ")" : ", found " + head.seq() + ")"));
      }
      int frameBytes = head.frameBytes();
      if ((!records.isEmpty() || !atLeastOne) && bytes + frameBytes > maxBytes) {
        break;
      }
      byte[] body = new byte[head.bodyLength()];
      reader.readFully(body);
      if (Frame.crc32c(body, 0, body.length) != head.bodyCrc()) {
        throw new IOException("damaged record " + seq + " (body CRC mismatch) at byte " + position + " of " + path);
      }
      records.add(new Frame.Read(seq, position, frameBytes, head.spooledAtMillis(), body));
      bytes += frameBytes;
      position += frameBytes;
      seq++;
    }
    return records;
  }

  /** The byte position of the record with index {@code index} (0 = first), found by walking the headers. */
  long positionOf(int index) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
      long position = 0;
      for (int i = 0; i < index; i++) {
        file.seek(position + 4);
        position += Frame.HEADER + file.readInt();
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
