package io.annals.hub.client.internal.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reopens a spool directory after a clean stop or a crash: deletes acknowledged segments, keeps
 * every intact record from the acknowledged position on, cuts a torn write at the end, and hands
 * damaged bytes anywhere else to the {@link DamageSink} ({@link SegmentRepair}), saying so in the
 * log: nothing is dropped silently.
 */
final class SpoolRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolRecovery.class);

  /** The spool's state as found on disk. */
  record State(ArrayDeque<Segment> segments, long head, long headPos, long next,
      long pendingEvents, long pendingBytes, long lastSpooledAt, long headSpooledAt) {}

  private SpoolRecovery() {}

  /**
   * Creates {@code dir} when missing and locks it for this process: two writers on one spool would
   * interleave records, so one client per directory, across processes. The lock goes with the channel.
   *
   * @throws IllegalStateException when another client holds it
   */
  static FileChannel lock(Path dir) throws IOException {
    Files.createDirectories(dir);
    FileChannel lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      if (lockFile.tryLock() != null) {
        return lockFile;
      }
    } catch (OverlappingFileLockException sameProcess) {
      // Reported below, like a lock held by another process.
    } catch (IOException | RuntimeException e) {
      lockFile.close();
      throw e;
    }
    lockFile.close();
    throw new IllegalStateException("spool " + dir + " is in use by another client (its lock file is held)");
  }

  static State recover(Path dir, DamageSink damageSink) throws IOException {
    Files.createDirectories(dir);
    deleteTemporaries(dir);
    long acked = AckFile.read(dir);
    List<Path> files = segmentFiles(dir);
    ArrayDeque<Segment> segments = new ArrayDeque<>();
    Set<Long> rewritten = new HashSet<>();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      long base = Segment.baseOf(file);
      if (rewritten.contains(base)) {
        continue; // written by the repair of an earlier file (a crash had stopped a repair half-way)
      }
      boolean last = i == files.size() - 1;
      long nextBase = last ? -1 : Segment.baseOf(files.get(i + 1));
      if (!last && acked >= nextBase) {
        Files.delete(file); // every record in it is acknowledged: a crash came before its deletion
        continue;
      }
      SegmentRepair repair = new SegmentRepair(dir, SegmentScan.of(file, base), last, nextBase, acked);
      for (Segment segment : repair.restore(damageSink)) {
        segments.addLast(segment);
        rewritten.add(segment.base);
      }
    }
    if (segments.isEmpty()) {
      segments.add(Segment.create(dir, Math.max(acked, 0)));
      syncDirectory(dir);
    }
    long head = Math.max(acked, segments.peekFirst().base);
    while (segments.size() > 1 && head >= segments.peekFirst().base + segments.peekFirst().count) {
      segments.pollFirst().delete();
      head = Math.max(head, segments.peekFirst().base);
    }
    Segment tail = segments.peekLast();
    if (head > tail.base + tail.count) {
      // Acknowledged records are missing from the tail (cut above): number new records after the
      // acknowledged ones, or they would count as acknowledged.
      segments.pollLast().delete();
      segments.addLast(Segment.create(dir, head));
      syncDirectory(dir);
      tail = segments.peekLast();
    }
    Segment first = segments.peekFirst();
    long headPos = first.positionOf((int) (head - first.base));
    long pendingEvents = 0;
    long pendingBytes = 0;
    long lastSpooledAt = 0;
    for (Segment segment : segments) {
      pendingEvents += segment == first ? segment.count - (head - segment.base) : segment.count;
      pendingBytes += segment == first ? segment.size - headPos : segment.size;
      lastSpooledAt = Math.max(lastSpooledAt, segment.lastSpooledAt);
    }
    long headSpooledAt = 0;
    if (pendingEvents > 0) {
      // Exhausted segments before the tail were deleted above, so the head record is in the first.
      headSpooledAt = first.read(headPos, head, 1, Long.MAX_VALUE, true).get(0).spooledAtMillis();
    }
    return new State(segments, head, headPos, tail.base + tail.count, pendingEvents, pendingBytes,
        lastSpooledAt, headSpooledAt);
  }

  private static void deleteTemporaries(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(Segment::isTemporary).toList()) {
        Files.delete(file); // a repair cut short by a crash; the file it was to replace is still whole
      }
    }
  }

  private static List<Path> segmentFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> segments = new ArrayList<>(files.filter(f -> Segment.baseOf(f) >= 0).toList());
      segments.sort((a, b) -> Long.compare(Segment.baseOf(a), Segment.baseOf(b)));
      return segments;
    }
  }

  /** Makes a created or deleted file name durable; some file systems cannot sync a directory. */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("cannot sync directory {}: {}", dir, e.toString());
    }
  }
}
