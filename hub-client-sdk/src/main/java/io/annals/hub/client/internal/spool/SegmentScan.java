package io.annals.hub.client.internal.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What recovery finds in one segment file: its intact records and the stretches of bytes between
 * them that are not intact records. After damaged bytes the scan resynchronises on the next place
 * where an intact record starts (format 2: the sync marker, a matching header CRC and body CRC, a
 * sequence number after the last one read), so damage costs only the records it touched.
 *
 * <p>Format-1 files (written before format 2) have no sync marker; the scan then looks for the next
 * offset holding a plausible length, a spool time not before the last record's and a matching CRC.
 * Their records after damage have no sequence number of their own ({@code seq == -1}).
 */
final class SegmentScan {

  /** Spool times further than this after the last intact record's are not taken for a format-1 record. */
  private static final long V1_PLAUSIBLE_SPAN = 20L * 366 * 24 * 3600 * 1000;

  /** An intact record: sequence number (-1 when unknown), place and spool time. */
  record Entry(long seq, int position, int frameBytes, int bodyOffset, int bodyLength, long spooledAtMillis) {}

  /**
   * Bytes {@code [start, end)} hold no intact record. {@code atEnd}: nothing intact follows them in
   * the file; {@code whole}: they begin with a complete record (header intact, body all there) whose
   * body does not match its CRC, which a write cut short cannot leave.
   */
  record Region(int start, int end, String reason, boolean atEnd, boolean whole) {

    int length() {
      return end - start;
    }
  }

  final Path path;
  final long base;
  final int format;
  final List<Entry> entries = new ArrayList<>();
  final List<Region> damaged = new ArrayList<>();
  private final ByteBuffer bytes;
  private boolean afterDamage;

  private SegmentScan(Path path, long base, ByteBuffer bytes) {
    this.path = path;
    this.base = base;
    this.bytes = bytes;
    this.format = bytes.limit() < 4 || bytes.getInt(0) == Frame.MAGIC ? 2 : 1;
  }

  static SegmentScan of(Path path, long base) throws IOException {
    long size = Files.size(path);
    if (size > Integer.MAX_VALUE) {
      throw new IOException("spool segment " + path + " is " + size + " bytes, more than any spool writes");
    }
    // Mapped, not read onto the heap: a segment may be large and the producer's heap small.
    MappedByteBuffer mapped;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
    SegmentScan scan = new SegmentScan(path, base, mapped);
    scan.scan();
    return scan;
  }

  /** The bytes {@code [from, from + length)} of the file. */
  byte[] bytes(int from, int length) {
    byte[] copy = new byte[length];
    bytes.get(from, copy);
    return copy;
  }

  int size() {
    return bytes.limit();
  }

  private void scan() {
    int size = bytes.limit();
    int position = 0;
    while (position < size) {
      Entry entry = entryAt(position);
      if (entry != null) {
        entries.add(entry);
        position += entry.frameBytes();
        continue;
      }
      afterDamage = true;
      int next = position + 1;
      while (next < size && entryAt(next) == null) {
        next++;
      }
      damaged.add(new Region(position, next, reason(position), next == size, whole(position)));
      position = next;
    }
  }

  private Entry entryAt(int at) {
    return format == 2 ? v2EntryAt(at) : v1EntryAt(at);
  }

  private Entry v2EntryAt(int at) {
    int size = bytes.limit();
    if (size - at < Frame.HEADER || bytes.getInt(at) != Frame.MAGIC) {
      return null;
    }
    Frame.Header header = Frame.header(bytes, at);
    if (header == null || (long) at + header.frameBytes() > size || header.seq() < nextSeq()
        || Frame.crc32c(bytes, at + Frame.HEADER, header.bodyLength()) != header.bodyCrc()) {
      return null;
    }
    return new Entry(header.seq(), at, header.frameBytes(), at + Frame.HEADER, header.bodyLength(),
        header.spooledAtMillis());
  }

  /** The lowest sequence number the next intact record may carry: after the last one, or the file's base. */
  private long nextSeq() {
    return entries.isEmpty() ? base : entries.get(entries.size() - 1).seq() + 1;
  }

  private Entry v1EntryAt(int at) {
    int size = bytes.limit();
    if (size - at < Frame.V1_HEADER) {
      return null;
    }
    long spooledAt = bytes.getLong(at + 8);
    if (afterDamage) {
      // Resynchronising without a marker: a spool time out of line is cheaper to check than the CRC.
      long after = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).spooledAtMillis();
      if (spooledAt < after || spooledAt - after > V1_PLAUSIBLE_SPAN) {
        return null;
      }
    }
    int bodyLength = Frame.v1BodyLength(bytes, at, size);
    if (bodyLength < 0) {
      return null;
    }
    long seq = afterDamage ? -1 : base + entries.size();
    return new Entry(seq, at, Frame.V1_HEADER + bodyLength, at + Frame.V1_HEADER, bodyLength, spooledAt);
  }

  private String reason(int at) {
    int size = bytes.limit();
    int header = format == 2 ? Frame.HEADER : Frame.V1_HEADER;
    if (size - at < header) {
      return "only " + (size - at) + " bytes left, less than a record header";
    }
    if (format == 1) {
      return "no record with a matching CRC32 starts here (format 1)";
    }
    Frame.Header parsed = Frame.header(bytes, at);
    if (parsed == null) {
      return "no intact record header here (sync marker, length or header CRC wrong)";
    }
    if ((long) at + parsed.frameBytes() > size) {
      return "record " + parsed.seq() + " of " + parsed.bodyLength() + " bytes runs past the end of the file";
    }
    if (parsed.seq() < nextSeq()) {
      return "record " + parsed.seq() + " is out of sequence (expected " + nextSeq() + " or later)";
    }
    return "record " + parsed.seq() + ": body CRC mismatch";
  }

  private boolean whole(int at) {
    if (format == 1) {
      return false;
    }
    int size = bytes.limit();
    Frame.Header header = size - at < Frame.HEADER ? null : Frame.header(bytes, at);
    return header != null && (long) at + header.frameBytes() <= size;
  }
}
