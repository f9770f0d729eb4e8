package io.annals.projections.runtime;

import io.annals.hub.client.HubException;
import io.annals.projections.runtime.CatchUpResult.Outcome;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code run} command: one thread per projection catches it up, refreshes its status gauges,
 * and then tails the feed: a long poll on the hub ({@link ProjectionRuntime#awaitEvents}) returns
 * as soon as an event of its types is stable, so a report follows the history within a second; an
 * idle long poll ends after the interval. It goes again at once while pages come back full (that is
 * inside {@link ProjectionRuntime#catchUp}). After a failure it tries again after a pause that starts
 * at {@link #FIRST_RETRY} and doubles (with jitter) up to the interval: a hub that refused one long
 * poll (429, 503) or restarted is read again within a second, so a report does not fall a whole
 * interval behind for a transient refusal, while a lasting failure is retried once per interval. An
 * answer that retrying cannot change (a 4xx but 429) waits the interval at once. A worker that does
 * not hold the lease wakes when the holder's lease would expire, so it takes over within the lease
 * timeout of the holder's death.
 */
public final class Daemon {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  private static final Duration TAKEOVER_MARGIN = Duration.ofMillis(50);
  /** The pause after the first failure in a row; it doubles with each further one, up to the interval. */
  static final Duration FIRST_RETRY = Duration.ofMillis(250);

  private final ProjectionRuntime runtime;
  private final Clock clock;
  private final Sleeper sleeper;
  private final IntervalFunction retryPause;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  public Daemon(ProjectionRuntime runtime, Clock clock) {
    this(runtime, clock, Sleeper.system());
  }

  /** A daemon whose pauses go through {@code sleeper} (tests record them). */
  public Daemon(ProjectionRuntime runtime, Clock clock, Sleeper sleeper) {
    this.runtime = runtime;
    this.clock = clock;
    this.sleeper = sleeper;
    this.retryPause = IntervalFunction.ofExponentialRandomBackoff(FIRST_RETRY, 2.0, 0.5, runtime.config().interval());
  }

  /** Starts one thread per projection; returns at once. */
  public synchronized void start() {
    if (running) {
      throw new IllegalStateException("daemon already started");
    }
    running = true;
    for (Projection projection : runtime.projections()) {
      Thread thread = new Thread(() -> loop(projection.name()), "projection-" + projection.name());
      threads.add(thread);
      thread.start();
    }
  }

  /** Stops the threads, waits for them, and releases this worker's leases. */
  public synchronized void stop() {
    running = false;
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    runtime.close();
  }

  private void loop(String name) {
    Duration interval = runtime.config().interval();
    String lastDetail = null;
    String cursor = null;
    long statusDue = System.nanoTime();
    int failures = 0;
    while (running) {
      Duration wait = interval;
      try {
        CatchUpResult result = runtime.catchUp(name);
        // A stopped projection says so once, not every interval; status and metrics keep showing it.
        if (!result.detail().equals(lastDetail) || result.applied() > 0) {
          log(result);
        }
        lastDetail = result.detail();
        if (result.outcome() == Outcome.LEASE_HELD && result.leaseExpiresAt() != null) {
          wait = untilTakeover(result.leaseExpiresAt(), interval);
        } else {
          // The status (gauges, the hub's lag) once per interval, not after every wake of the tail.
          if (cursor == null || result.outcome() != Outcome.CAUGHT_UP || System.nanoTime() - statusDue >= 0) {
            ProjectionStatus status = runtime.status(name);
            statusDue = System.nanoTime() + interval.toNanos();
            cursor = status.live() == null || status.live().stopped() ? null : status.live().cursor();
          } else {
            cursor = runtime.cursor(name);
          }
          if (result.outcome() == Outcome.CAUGHT_UP && cursor != null) {
            runtime.awaitEvents(name, cursor, interval);
            wait = Duration.ZERO;
          }
        }
        failures = 0;
      } catch (RuntimeException e) {
        failures++;
        wait = retryWait(e, failures, interval);
        LOG.warn("{}: run failed, trying again in {} ms: {}", name, wait.toMillis(), e.getMessage());
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (!wait.isZero()) {
          sleeper.sleep(wait);
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The pause after the {@code failures}-th failure in a row, never longer than the interval. */
  private Duration retryWait(RuntimeException failure, int failures, Duration interval) {
    if (failure instanceof HubException hub && !hub.retryable()) {
      return interval;
    }
    Duration pause = Duration.ofMillis(retryPause.apply(failures));
    return pause.compareTo(interval) < 0 ? pause : interval;
  }

  private Duration untilTakeover(Instant leaseExpiresAt, Duration interval) {
    Duration untilExpiry = Duration.between(clock.instant(), leaseExpiresAt).plus(TAKEOVER_MARGIN);
    if (untilExpiry.isNegative()) {
      return TAKEOVER_MARGIN;
    }
    return untilExpiry.compareTo(interval) < 0 ? untilExpiry : interval;
  }

  private static void log(CatchUpResult result) {
    switch (result.outcome()) {
      case CAUGHT_UP -> {
        if (result.applied() > 0 || result.parked() > 0) {
          LOG.info("{}: applied {} events ({} parked) in {} ms", result.projection(), result.applied(),
              result.parked(), result.elapsed().toMillis());
        }
      }
      case LEASE_HELD -> LOG.debug("{}: {}", result.projection(), result.detail());
      case STOPPED, WORKER_OUTDATED -> LOG.error("{}: {}", result.projection(), result.detail());
      default -> LOG.info("{}: {}", result.projection(), result.detail());
    }
  }
}
