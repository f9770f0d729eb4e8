package io.annals.projections.cli;

import io.annals.projections.checkpoint.Checkpoint;
import io.annals.projections.checkpoint.ParkedEvents.Parked;
import io.annals.projections.runtime.ProjectionStatus;
import java.io.PrintStream;
import java.time.Duration;

/** Prints {@code status}: one block per projection, plain text meant for people. */
final class StatusPrinter {

  private StatusPrinter() {}

  static void print(ProjectionStatus status, PrintStream out) {
    Checkpoint live = status.live();
    out.println(status.projection() + ": " + status.state());
    if (live != null) {
      out.println("  checkpoint:  " + (live.cursor() == null ? "(start of feed)" : live.cursor())
          + "  generation " + live.generation() + ", schema version " + live.schemaVersion()
          + ", " + live.handled() + " events handled, updated " + live.updatedAt());
    }
    if (status.lag() != null) {
      out.println("  lag:         " + status.lag().events() + " events, " + seconds(status.lagAge()) + " s"
          + (status.lag().stableUntil() == null ? "" : " (hub stable until " + status.lag().stableUntil() + ")"));
    } else {
      out.println("  lag:         unknown (" + status.lagError() + ")");
    }
    if (live != null && live.freshness().isPresent()) {
      // Stored with the checkpoint by the worker that applied the batch, so any process can show it.
      out.println("  freshness:   " + String.format(java.util.Locale.ROOT, "%.3f", live.freshness().get().toNanos() / 1e9)
          + " s (newest applied event received " + live.newestReceivedAt() + ", applied " + live.newestAppliedAt() + ")");
    } else if (live != null) {
      out.println("  freshness:   none yet (no event applied)");
    }
    if (status.lease() != null) {
      Duration left = Duration.between(status.at(), status.lease().expiresAt());
      out.println("  lease:       " + status.lease().owner()
          + (left.isNegative() ? " (expired)" : " (expires in " + seconds(left) + " s)"));
    } else {
      out.println("  lease:       free");
    }
    if (live != null && live.stopped()) {
      out.println("  stopped at:  event " + live.stoppedEventId() + " since " + live.stoppedAt());
      out.println("  error:       " + live.stoppedError());
      out.println("  to go on:    fix the cause, then `resume " + status.projection() + "` (or `rebuild`)");
    }
    if (status.parked() > 0) {
      out.println("  parked:      " + status.parked() + " events (table projection_parked)");
      for (Parked parked : status.recentlyParked()) {
        out.println("    " + parked.eventId() + " " + parked.eventType() + " at " + parked.parkedAt() + ": "
            + parked.error());
      }
    }
    Checkpoint rebuild = status.rebuild();
    if (rebuild != null) {
      out.println("  rebuild:     generation " + rebuild.generation() + ", " + rebuild.handled() + " events so far"
          + (rebuild.stopped() ? ", stopped at event " + rebuild.stoppedEventId() + ": " + rebuild.stoppedError() : ""));
    }
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }
}
