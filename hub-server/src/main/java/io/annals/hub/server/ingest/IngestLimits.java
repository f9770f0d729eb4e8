package io.annals.hub.server.ingest;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of ingestion: how much one request may carry, how far into the future
 * {@code created_at} may lie, and how much the group committer holds and waits.
 *
 * @param maxBodyBytes largest request body; larger answers 413
 * @param maxEventsPerRequest most events in one batch or NDJSON request; more answers 413
 * @param maxClockSkew how far {@code meta.created_at} may lie ahead of the hub's clock
 * @param queueCapacityEvents events that may wait for the group committer; beyond, 429
 * @param maxEventsPerCommit the committer stops draining a transaction at this many events
 *     (one request's events are never split across transactions, so one may hold more)
 * @param maxWait longest a request waits for its events to commit before it answers 503
 */
public record IngestLimits(
    long maxBodyBytes,
    int maxEventsPerRequest,
    Duration maxClockSkew,
    int queueCapacityEvents,
    int maxEventsPerCommit,
    Duration maxWait) {

  /** The defaults documented in the README: 10 MiB, 10,000 events, 5 min, 50,000, 2,000, 10 s. */
  public static IngestLimits defaults() {
    return new IngestLimits(10L * 1024 * 1024, 10_000, Duration.ofMinutes(5), 50_000, 2_000, Duration.ofSeconds(10));
  }

  public IngestLimits {
    Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxBodyBytes < 1 || maxEventsPerRequest < 1 || queueCapacityEvents < 1 || maxEventsPerCommit < 1) {
      throw new IllegalArgumentException("ingest limits must be at least 1: " + maxBodyBytes + ", "
          + maxEventsPerRequest + ", " + queueCapacityEvents + ", " + maxEventsPerCommit);
    }
    if (queueCapacityEvents < maxEventsPerRequest) {
      // Otherwise a full-size request could never be queued, even on an idle hub.
      throw new IllegalArgumentException("queueCapacityEvents (" + queueCapacityEvents
          + ") must be at least maxEventsPerRequest (" + maxEventsPerRequest + ")");
    }
    if (maxClockSkew.isNegative() || maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxClockSkew must be >= 0 and maxWait > 0: " + maxClockSkew + ", " + maxWait);
    }
  }

  public IngestLimits withMaxBodyBytes(long bytes) {
    return new IngestLimits(bytes, maxEventsPerRequest, maxClockSkew, queueCapacityEvents, maxEventsPerCommit, maxWait);
  }

  public IngestLimits withMaxEventsPerRequest(int events) {
    return new IngestLimits(maxBodyBytes, events, maxClockSkew, Math.max(queueCapacityEvents, events), maxEventsPerCommit, maxWait);
  }

  public IngestLimits withQueueCapacityEvents(int events) {
    return new IngestLimits(maxBodyBytes, maxEventsPerRequest, maxClockSkew, events, maxEventsPerCommit, maxWait);
  }

  public IngestLimits withMaxWait(Duration wait) {
    return new IngestLimits(maxBodyBytes, maxEventsPerRequest, maxClockSkew, queueCapacityEvents, maxEventsPerCommit, wait);
  }
}
