package io.annals.hub.client.internal.spool;

import io.annals.hub.client.SpoolFullException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO of records on disk whose {@link #append} returns only once the record is synced
 * to the disk, so an appended record survives a crash (SIGKILL, power loss) of the process.
 *
 * <p>The spool is a log of segment files ({@code segment-<first seq>.log}) holding framed records
 * (sync marker, length, sequence number, spool time, header CRC and body CRC: see {@link Frame}),
 * plus an {@code ack} file naming the first unacknowledged record. A consumer reads with
 * {@link #peek}, delivers, then {@link #ack acknowledges}; a segment is deleted once all its records
 * are acknowledged. Sequence numbers may skip between segments, never within one.
 *
 * <p>Crash contract: a crash leaves at worst a torn record at the end of the last segment (its
 * append had not returned): reopening cuts it and logs a warning. Any other bytes that are not an
 * intact record (a damaged disk, a stray write) cost only the records they touched: reopening
 * resynchronises on the next intact record, keeps every intact one, and hands the damaged bytes
 * with their file, offset and reason to a {@link DamageSink} (the client dead-letters them and
 * logs an error) before rewriting the segment without them. A crash between delivery and
 * acknowledgement re-reads the batch (at-least-once). Segments of format 1 (before sync markers)
 * are read and rewritten in format 2 on open. Concurrent appenders share syncs ({@link GroupSync}).
 *
 * <p>Any number of threads may append; one thread peeks and acknowledges.
 */
public final class Spool implements Closeable {

  private final Path dir;
  private final long maxBytes;
  private final long maxEvents;
  private final long segmentBytes;
  private final Clock clock;
  private final AckFile ackFile;
  private final FileChannel lockFile;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final GroupSync groupSync;

  // Guarded by lock.
  private final ArrayDeque<Segment> segments;
  private long head;
  private long headPos;
  private long next;
  private long pendingEvents;
  private long pendingBytes;
  private long lastSpooledAt;
  private long headSpooledAt;
  private boolean closed;

  Spool(Path dir, long maxBytes, long maxEvents, long segmentBytes, Clock clock,
      SpoolRecovery.State state, FileChannel lockFile) throws IOException {
    this.dir = dir;
    this.lockFile = lockFile;
    this.maxBytes = maxBytes;
    this.maxEvents = maxEvents;
    this.segmentBytes = segmentBytes;
    this.clock = clock;
    this.segments = state.segments();
    this.head = state.head();
    this.headPos = state.headPos();
    this.next = state.next();
    this.pendingEvents = state.pendingEvents();
    this.pendingBytes = state.pendingBytes();
    this.lastSpooledAt = state.lastSpooledAt();
    this.headSpooledAt = state.headSpooledAt();
    this.groupSync = new GroupSync(next);
    this.ackFile = AckFile.open(dir);
    ackFile.write(head);
  }

  /**
   * Opens the spool in {@code dir} (created when missing), recovering what a crash left. It refuses
   * appends beyond {@code maxEvents} undelivered records or {@code maxBytes} of them; a new segment
   * file starts once the current one holds {@code segmentBytes}.
   */
  public static Spool open(Path dir, long maxBytes, long maxEvents, long segmentBytes, Clock clock)
      throws IOException {
    return open(dir, maxBytes, maxEvents, segmentBytes, clock, damage -> {
      throw new IOException("spool " + dir + " is damaged and no one takes its dead letters: " + damage);
    });
  }

  /**
   * Opens the spool as {@link #open(Path, long, long, long, Clock)} does, handing what recovery
   * cannot read (damaged records, not a torn write at the end) to {@code damageSink} before those
   * bytes leave the spool: the sink must make them durable (the dead-letter file) or throw, which
   * fails the open and keeps the bytes where they are.
   */
  public static Spool open(Path dir, long maxBytes, long maxEvents, long segmentBytes, Clock clock,
      DamageSink damageSink) throws IOException {
    if (maxBytes < 1 || maxEvents < 1 || segmentBytes < 1) {
      throw new IllegalArgumentException("spool limits must be positive, were: maxBytes=" + maxBytes
          + ", maxEvents=" + maxEvents + ", segmentBytes=" + segmentBytes);
    }
    FileChannel lockFile = SpoolRecovery.lock(dir);
    try {
      return new Spool(dir, maxBytes, maxEvents, segmentBytes, clock, SpoolRecovery.recover(dir, damageSink), lockFile);
    } catch (IOException | RuntimeException e) {
      lockFile.close();
      throw e;
    }
  }

  /**
   * Appends {@code body} and returns its sequence number once it is synced to the disk.
   *
   * @throws SpoolFullException at once, appending nothing, when the spool is at its bounds
   * @throws IllegalArgumentException when the record alone is larger than the spool may hold
   */
  public long append(byte[] body) throws IOException {
    return appendAll(List.of(body));
  }

  /**
   * Appends {@code bodies} in order and returns the sequence number of the first once all are
   * synced to the disk: one sync for the whole list (and shared with concurrent appenders), where
   * appending them one by one costs one sync each. All or nothing: when they do not all fit, or the
   * write fails, none is appended. The list goes into one segment file, which may therefore grow
   * past the segment size when the list alone is larger.
   *
   * @throws SpoolFullException at once, appending nothing, when the records do not all fit in the spool
   * @throws IllegalArgumentException when {@code bodies} is empty or holds a record too large for the spool
   */
  public long appendAll(List<byte[]> bodies) throws IOException {
    return appendAll(bodies, Long.MIN_VALUE);
  }

  /**
   * Appends {@code event}, read from another spool, keeping its spool time (so its age still counts
   * from its first publish), and returns its sequence number here once it is synced to the disk.
   * Spool times never decrease along a spool: a time before the last record's is raised to it.
   */
  public long transfer(SpooledEvent event) throws IOException {
    return appendAll(List.of(event.body()), event.spooledAtMillis());
  }

  private long appendAll(List<byte[]> bodies, long spooledAtMillis) throws IOException {
    if (bodies.isEmpty()) {
      throw new IllegalArgumentException("nothing to append: the list of records is empty");
    }
    long totalBytes = 0;
    for (byte[] body : bodies) {
      long frameBytes = Frame.HEADER + (long) body.length;
      if (body.length == 0 || body.length > Frame.MAX_BODY || frameBytes > maxBytes) {
        throw new IllegalArgumentException("an event of " + body.length
            + " bytes cannot be spooled: the limit is " + Math.min(Frame.MAX_BODY, maxBytes - Frame.HEADER));
      }
      totalBytes += frameBytes;
    }
    long first;
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("spool " + dir + " is closed");
      }
      if (pendingEvents + bodies.size() > maxEvents || pendingBytes + totalBytes > maxBytes) {
        throw new SpoolFullException("spool " + dir + " is full: " + pendingEvents + " events, "
            + pendingBytes + " bytes undelivered (limits " + maxEvents + " events, " + maxBytes
            + " bytes; " + bodies.size() + " events, " + totalBytes + " bytes more do not fit); the hub may be"
            + " unreachable", pendingEvents, pendingBytes);
      }
      // Never decreasing along the log, so expired events always form a prefix of it.
      long spooledAt = Math.max(spooledAtMillis == Long.MIN_VALUE ? clock.millis() : spooledAtMillis, lastSpooledAt);
      // The whole list goes into one segment in one write, so that a failed write leaves none of it.
      Segment tail = segments.peekLast();
      if (tail.size > 0 && tail.size + totalBytes > segmentBytes) {
        tail = roll(tail);
      }
      List<byte[]> frames = new ArrayList<>(bodies.size());
      for (byte[] body : bodies) {
        frames.add(Frame.encode(next + frames.size(), spooledAt, body));
      }
      tail.append(frames, totalBytes);
      first = next;
      if (pendingEvents == 0) {
        headSpooledAt = spooledAt;
      }
      tail.size += totalBytes;
      tail.count += bodies.size();
      tail.lastSpooledAt = spooledAt;
      next += bodies.size();
      pendingEvents += bodies.size();
      pendingBytes += totalBytes;
      lastSpooledAt = spooledAt;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    groupSync.await(first + bodies.size() - 1, this::syncTarget);
    return first;
  }

  /** Starts a new tail segment; the old one is synced first so that its records count as durable. */
  private Segment roll(Segment old) throws IOException {
    old.sync();
    groupSync.covered(next);
    Segment tail = Segment.create(dir, next);
    SpoolRecovery.syncDirectory(dir);
    segments.addLast(tail);
    return tail;
  }

  private GroupSync.Target syncTarget() {
    return underLock(() -> new GroupSync.Target(segments.peekLast(), next));
  }

  private <T> T underLock(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads, without removing, up to {@code maxEvents} of the oldest unacknowledged records and no
   * more than {@code maxBytes} of them (though always at least one, however big).
   */
  public List<SpooledEvent> peek(int maxEvents, long maxBytes) throws IOException {
    record Part(Segment segment, long position, long seq, int count) {}
    List<Part> parts = new ArrayList<>();
    List<Segment> exhausted;
    lock.lock();
    try {
      exhausted = skipExhausted();
      int wanted = maxEvents;
      boolean first = true;
      for (Segment segment : segments) {
        long seq = first ? head : segment.base;
        long position = first ? headPos : 0;
        first = false;
        int available = (int) Math.min(segment.count - (seq - segment.base), wanted);
        if (available > 0) {
          parts.add(new Part(segment, position, seq, available));
          wanted -= available;
        }
        if (wanted == 0) {
          break;
        }
      }
    } finally {
      lock.unlock();
    }
    deleteAll(exhausted);
    List<SpooledEvent> events = new ArrayList<>();
    long bytes = 0;
    for (Part part : parts) {
      List<Frame.Read> frames =
          part.segment().read(part.position(), part.seq(), part.count(), maxBytes - bytes, events.isEmpty());
      for (Frame.Read frame : frames) {
        events.add(new SpooledEvent(frame.seq(), frame.spooledAtMillis(), frame.body(), frame.frameBytes()));
        bytes += frame.frameBytes();
      }
      if (frames.size() < part.count()) {
        break;
      }
    }
    if (!events.isEmpty()) {
      underLock(() -> headSpooledAt = events.get(0).spooledAtMillis());
    }
    return events;
  }

  /**
   * Acknowledges {@code events}, which must be the oldest unacknowledged records in order: they
   * will not be read again, and segments holding only acknowledged records are deleted.
   */
  public void ack(List<SpooledEvent> events) throws IOException {
    if (events.isEmpty()) {
      return;
    }
    List<Segment> exhausted;
    long acked;
    lock.lock();
    try {
      if (events.get(0).seq() != head) {
        throw new IllegalStateException(
            "acknowledged events must start at the spool's head " + head + ", started at " + events.get(0).seq());
      }
      exhausted = new ArrayList<>();
      for (SpooledEvent event : events) {
        exhausted.addAll(skipExhausted()); // the batch may go on in the next segment
        headPos += event.frameBytes();
        head = event.seq() + 1;
        pendingEvents--;
        pendingBytes -= event.frameBytes();
      }
      exhausted.addAll(skipExhausted());
      acked = head;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    ackFile.write(acked);
    deleteAll(exhausted);
  }

  /** Moves the head past fully read segments that are no longer the tail; returns them for deletion. */
  private List<Segment> skipExhausted() {
    List<Segment> exhausted = new ArrayList<>();
    while (segments.size() > 1 && head >= segments.peekFirst().base + segments.peekFirst().count) {
      exhausted.add(segments.pollFirst());
      head = Math.max(head, segments.peekFirst().base);
      headPos = 0;
    }
    return exhausted;
  }

  private static void deleteAll(List<Segment> exhausted) throws IOException {
    for (Segment segment : exhausted) {
      segment.delete();
    }
  }

  /** Waits until there is at least one unacknowledged record; false when the wait timed out or the spool closed. */
  public boolean awaitPending(Duration timeout) throws InterruptedException {
    return await(timeout, true);
  }

  /** Waits until every record is acknowledged; false when the wait timed out or the spool closed. */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    return await(timeout, false);
  }

  private boolean await(Duration timeout, boolean forPending) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (!closed && (pendingEvents > 0) != forPending) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  /** Unacknowledged records. */
  public long pendingEvents() {
    return underLock(() -> pendingEvents);
  }

  /** How long ago the oldest unacknowledged record was spooled (zero when there is none). */
  public Duration oldestAge() {
    return underLock(() -> pendingEvents == 0 ? Duration.ZERO
        : Duration.ofMillis(Math.max(0, clock.millis() - headSpooledAt)));
  }

  public Path directory() {
    return dir;
  }

  /** Closes the files; records stay on disk for the next {@link #open}. */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      changed.signalAll();
      for (Segment segment : segments) {
        segment.close();
      }
      ackFile.close();
      lockFile.close();
    } finally {
      lock.unlock();
    }
  }
}
