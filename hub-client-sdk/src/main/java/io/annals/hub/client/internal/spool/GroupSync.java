package io.annals.hub.client.internal.spool;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit for appenders: one appender at a time leads a sync covering every record written so
 * far; the others wait for it and return as soon as a sync covers them, so N concurrent appends
 * cost about two syncs, not N.
 */
final class GroupSync {

  /** What a leader syncs: the tail segment, and the sequence number below which it holds every record. */
  record Target(Segment tail, long upTo) {}

  /** Reads the current target under the spool's lock. */
  interface TargetSource {
    Target current();
  }

  private final Object monitor = new Object();
  private final AtomicLong durable;
  private boolean syncing; // guarded by monitor

  GroupSync(long durable) {
    this.durable = new AtomicLong(durable);
  }

  /** Records that every record below {@code upTo} is on disk (the spool synced it itself, e.g. at a roll). */
  void covered(long upTo) {
    durable.accumulateAndGet(upTo, Math::max);
  }

  /**
   * Returns once record {@code seq} is on disk. The wait ignores interrupts (and restores the
   * flag): giving up would leave a written record whose publisher was told it failed.
   */
  void await(long seq, TargetSource source) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        synchronized (monitor) {
          while (syncing && durable.get() <= seq) {
            try {
              monitor.wait();
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          if (durable.get() > seq) {
            return;
          }
          syncing = true;
        }
        try {
          lead(source.current());
        } finally {
          synchronized (monitor) {
            syncing = false;
            monitor.notifyAll();
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void lead(Target target) throws IOException {
    try {
      target.tail().sync();
    } catch (IOException e) {
      // A roll syncs the old tail before a consumer may delete and close it.
      if (durable.get() < target.upTo()) {
        throw e;
      }
    }
    covered(target.upTo());
  }
}
