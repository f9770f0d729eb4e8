package io.annals.projections.runtime;

import java.time.Duration;
import java.time.Instant;

/**
 * What one catch-up of a projection did: events applied (and parked) in {@code batches}
 * transactions over {@code elapsed}, and why it ended. {@code leaseExpiresAt} is set when another
 * worker holds the lease: the earliest moment it could be taken over.
 */
public record CatchUpResult(
    String projection,
    Outcome outcome,
    long applied,
    long parked,
    int batches,
    Duration elapsed,
    Instant leaseExpiresAt,
    String detail) {

  /** Why a catch-up ended. */
  public enum Outcome {
    /** Read up to the hub's stable point (a rebuild also switched readers to its tables). */
    CAUGHT_UP,
    /** Another worker holds the lease; it is doing the work. */
    LEASE_HELD,
    /** Another worker took over in the middle; nothing of the interrupted batch was committed. */
    LEASE_LOST,
    /** Stopped at an event its handler keeps failing on. */
    STOPPED,
    /** The database holds a newer schema version of the projection than this worker's code. */
    WORKER_OUTDATED
  }

  /** Events per second applied, 0 when nothing was. */
  public double eventsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : applied / seconds;
  }

  /** True when the outcome calls for an operator (stopped or outdated). */
  public boolean needsAttention() {
    return outcome == Outcome.STOPPED || outcome == Outcome.WORKER_OUTDATED;
  }
}
