package io.annals.projections.runtime;

import io.annals.hub.client.FeedLag;
import io.annals.projections.checkpoint.Checkpoint;
import io.annals.projections.checkpoint.ParkedEvents.Parked;
import io.annals.projections.lease.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where a projection stands, as {@code status} prints it. {@code live} is null before its first
 * run, {@code rebuild} when no rebuild is under way, {@code lease} when nobody holds it;
 * {@code lag} is null when the hub could not be asked, and {@code lagError} then says why.
 */
public record ProjectionStatus(
    String projection,
    Checkpoint live,
    Checkpoint rebuild,
    Lease lease,
    long parked,
    List<Parked> recentlyParked,
    FeedLag lag,
    String lagError,
    Instant at) {

  public ProjectionStatus {
    recentlyParked = List.copyOf(recentlyParked);
  }

  /** {@code running}, {@code stopped} or {@code not installed}. */
  public String state() {
    if (live == null) {
      return "not installed";
    }
    return live.stopped() ? "stopped" : "running";
  }

  /** Age of the oldest event not yet applied, zero when caught up (or unknown). */
  public Duration lagAge() {
    if (lag == null || lag.oldestReceivedAt() == null || lag.oldestReceivedAt().isAfter(at)) {
      return Duration.ZERO;
    }
    return Duration.between(lag.oldestReceivedAt(), at);
  }
}
