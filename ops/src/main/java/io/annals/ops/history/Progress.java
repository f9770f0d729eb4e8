package io.annals.ops.history;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long run: on a terminal a bar redrawn in place with rate and ETA; otherwise (a log,
 * a pipe, CI) one plain line at most every few seconds, so that a log stays readable.
 */
final class Progress {

  private static final long LINE_EVERY_NANOS = 5_000_000_000L;
  private static final long BAR_EVERY_NANOS = 200_000_000L;

  private final PrintStream err;
  private final boolean terminal;
  private final String what;
  private final LongSupplier nanos;
  private final long startNanos;
  private final long startDone;
  private long total;
  private long done;
  private long shownAt;

  /** {@code total} may be 0 when unknown (no bar, no ETA). */
  Progress(PrintStream err, boolean terminal, String what, long alreadyDone, long total, LongSupplier nanos) {
    this.err = err;
    this.terminal = terminal;
    this.what = what;
    this.nanos = nanos;
    this.startNanos = nanos.getAsLong();
    this.startDone = alreadyDone;
    this.done = alreadyDone;
    this.total = total;
    this.shownAt = startNanos;
  }

  static boolean onTerminal() {
    return System.console() != null;
  }

  void advance(long n) {
    done += n;
    total = Math.max(total, done);
    long now = nanos.getAsLong();
    if (now - shownAt >= (terminal ? BAR_EVERY_NANOS : LINE_EVERY_NANOS)) {
      shownAt = now;
      show(now, false);
    }
  }

  void finish() {
    show(nanos.getAsLong(), true);
  }

  /** Events per second since this run started (resumed work not counted). */
  double rate(long now) {
    double seconds = (now - startNanos) / 1e9;
    return seconds <= 0 ? 0 : (done - startDone) / seconds;
  }

  String line(long now) {
    double rate = rate(now);
    StringBuilder s = new StringBuilder();
    if (total > 0) {
      int percent = (int) Math.min(100, done * 100 / total);
      if (terminal) {
        int filled = percent / 4;
        s.append('[').append("#".repeat(filled)).append(" ".repeat(25 - filled)).append("] ");
      }
      s.append(percent).append("% ");
    }
    s.append(what).append(' ').append(String.format(Locale.ROOT, "%,d", done));
    if (total > 0) {
      s.append(String.format(Locale.ROOT, "/%,d", total));
    }
    s.append(String.format(Locale.ROOT, " %,.0f/s", rate));
    if (total > 0 && rate > 0 && done < total) {
      long eta = (long) ((total - done) / rate);
      s.append(String.format(Locale.ROOT, " ETA %d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60));
    }
    return s.toString();
  }

  private void show(long now, boolean last) {
    if (terminal) {
      err.print("\r" + line(now) + (last ? "\n" : ""));
    } else {
      err.println(line(now));
    }
    err.flush();
  }
}
