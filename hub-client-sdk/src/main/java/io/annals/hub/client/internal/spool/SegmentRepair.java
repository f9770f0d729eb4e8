package io.annals.hub.client.internal.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what {@link SegmentScan} found in one file into segments the spool can use. An intact
 * format-2 file, or one with only a torn write at its very end (the last file), is opened as it is
 * (the torn bytes cut). Otherwise its damaged bytes go to the {@link DamageSink} first, then its
 * intact records are written in format 2 as one segment per run of consecutive sequence numbers
 * (the spool allows gaps between segments, not within one) and the original file is replaced.
 *
 * <p>Crash safety of a repair: pieces other than the one keeping the file's name are written
 * first, each atomically; the original is replaced (or deleted) last. A crash in between leaves
 * the original whole, and the next open repairs it again (the sink hears of the damage again).
 */
final class SegmentRepair {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentRepair.class);

  private final Path dir;
  private final SegmentScan scan;
  private final boolean last;
  private final long nextBase;
  private final long acked;

  /**
   * @param last whether the file is the spool's last, the only one a torn write can end
   * @param nextBase the base of the next segment file, -1 when there is none
   * @param acked the first unacknowledged sequence number, -1 when unknown
   */
  SegmentRepair(Path dir, SegmentScan scan, boolean last, long nextBase, long acked) {
    this.dir = dir;
    this.scan = scan;
    this.last = last;
    this.nextBase = nextBase;
    this.acked = acked;
  }

  List<Segment> restore(DamageSink damageSink) throws IOException {
    List<SegmentScan.Region> damaged = new ArrayList<>(scan.damaged);
    int end = scan.size();
    SegmentScan.Region torn = damaged.isEmpty() ? null : damaged.get(damaged.size() - 1);
    if (torn != null && torn.atEnd() && last && !torn.whole()) {
      damaged.remove(damaged.size() - 1);
      end = torn.start();
      LOG.warn("spool {}: cut {} bytes of a torn record at the end of {} (a write cut short by a crash, "
          + "before its publish returned): {}", dir, torn.length(), scan.path.getFileName(), torn.reason());
    }
    long[] seqs = sequenceNumbers();
    if (damaged.isEmpty() && scan.format == 2 && consecutiveFromBase(seqs)) {
      SegmentScan.Entry lastEntry = scan.entries.isEmpty() ? null : scan.entries.get(scan.entries.size() - 1);
      return List.of(Segment.open(scan.path, scan.base, end, scan.entries.size(),
          lastEntry == null ? 0 : lastEntry.spooledAtMillis()));
    }
    report(damaged, seqs, damageSink);
    return rewrite(seqs);
  }

  /**
   * Each entry's sequence number. Format-1 records after damage carry none: the file held exactly
   * the records below the next file's base, so they are numbered back from it; in the last file
   * they are numbered from the acknowledged position on (never below it), so they count as
   * undelivered: at worst they are sent again, and the hub answers duplicate.
   */
  private long[] sequenceNumbers() {
    List<SegmentScan.Entry> entries = scan.entries;
    long[] seqs = new long[entries.size()];
    int unknown = 0;
    long lastKnown = scan.base - 1;
    for (int i = 0; i < seqs.length; i++) {
      seqs[i] = entries.get(i).seq();
      if (seqs[i] < 0) {
        unknown++;
      } else {
        lastKnown = seqs[i];
      }
    }
    if (unknown > 0) {
      long first = nextBase >= 0 ? nextBase - unknown : Math.max(acked, lastKnown + 2);
      first = Math.max(first, lastKnown + 1);
      for (int i = seqs.length - unknown; i < seqs.length; i++) {
        seqs[i] = first++;
      }
    }
    return seqs;
  }

  private boolean consecutiveFromBase(long[] seqs) {
    for (int i = 0; i < seqs.length; i++) {
      if (seqs[i] != scan.base + i) {
        return false;
      }
    }
    return true;
  }

  private void report(List<SegmentScan.Region> damaged, long[] seqs, DamageSink damageSink) throws IOException {
    List<SpoolDamage> lost = new ArrayList<>();
    for (SegmentScan.Region region : damaged) {
      int before = entriesBefore(region.start());
      long firstSeq = before == 0 ? scan.base : seqAfter(seqs, before - 1);
      long lastSeq = before < seqs.length ? seqs[before] - 1 : nextBase >= 0 ? nextBase - 1 : -1;
      SpoolDamage damage = new SpoolDamage(scan.path, region.start(), scan.bytes(region.start(), region.length()),
          region.reason(), firstSeq, lastSeq);
      if (acked >= 0 && lastSeq >= 0 && lastSeq < acked) {
        LOG.warn("spool {}: {}; those records were delivered already, nothing is lost", dir, damage.describe());
      } else {
        LOG.error("spool {}: {}; dead-lettered, every intact record before and after it kept", dir,
            damage.describe());
        lost.add(damage);
      }
    }
    if (!lost.isEmpty()) {
      damageSink.damaged(lost);
    }
  }

  private static long seqAfter(long[] seqs, int index) {
    return seqs[index] < 0 ? -1 : seqs[index] + 1;
  }

  private int entriesBefore(int position) {
    int count = 0;
    while (count < scan.entries.size() && scan.entries.get(count).position() < position) {
      count++;
    }
    return count;
  }

  /** Writes the intact records as format-2 segments, one per run of consecutive sequence numbers. */
  private List<Segment> rewrite(long[] seqs) throws IOException {
    List<Segment> pieces = new ArrayList<>();
    List<List<Integer>> runs = new ArrayList<>();
    for (int i = 0; i < seqs.length; i++) {
      if (i == 0 || seqs[i] != seqs[i - 1] + 1) {
        runs.add(new ArrayList<>());
      }
      runs.get(runs.size() - 1).add(i);
    }
    List<Integer> keepsName = null;
    for (List<Integer> run : runs) {
      if (seqs[run.get(0)] == scan.base) {
        keepsName = run;
      } else {
        pieces.add(writePiece(run, seqs));
      }
    }
    if (keepsName != null) {
      pieces.add(0, writePiece(keepsName, seqs)); // replaces the original, last of all
    } else {
      Files.delete(scan.path);
    }
    SpoolRecovery.syncDirectory(dir);
    LOG.info("spool {}: rewrote {} as {} segment(s) of format 2 holding its {} intact records", dir,
        scan.path.getFileName(), pieces.size(), seqs.length);
    return pieces;
  }

  private Segment writePiece(List<Integer> run, long[] seqs) throws IOException {
    List<byte[]> frames = new ArrayList<>(run.size());
    long size = 0;
    long spooledAt = 0;
    for (int i : run) {
      SegmentScan.Entry entry = scan.entries.get(i);
      byte[] frame = Frame.encode(seqs[i], entry.spooledAtMillis(), scan.bytes(entry.bodyOffset(), entry.bodyLength()));
      frames.add(frame);
      size += frame.length;
      spooledAt = entry.spooledAtMillis();
    }
    long base = seqs[run.get(0)];
    Path path = Segment.write(dir, base, frames);
    return Segment.open(path, base, size, run.size(), spooledAt);
  }
}
