package io.annals.hub.server.feed;

import io.annals.hub.server.store.EpochMicros;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clock that stamps {@code received_at}: the store's clock (one clock for every hub instance
 * where the store offers one), truncated to microseconds, never earlier than a value it has already
 * handed out, and never standing still for long.
 *
 * <p>When the source steps back (an NTP correction, a VM restored from a snapshot, a failover to
 * another MongoDB node), or starts behind the {@link #floor} the store's history sets, this clock
 * does not wait for the source to catch up: from where it stood it moves on at half the rate of the
 * monotonic clock, so the source (moving at the full rate) catches up after twice the step, and then
 * leads again. A clock that stood still until then would stall the feed's stable point for the
 * whole step (docs/decisions.md, "Time").
 *
 * <p>A step back of more than {@link #NOTABLE_STEP} is logged with its size and reported to the
 * listener (the metric). The step is measured between readings as the change of {@code source -
 * monotonic}, each pair read together, so readings that reach the lock out of order (a thread
 * preempted between reading and stamping) are no step.
 */
public final class ReceivedAtClock {

  /** Smaller steps back (a re-estimated MongoDB clock offset, NTP slewing) are not reported. */
  public static final Duration NOTABLE_STEP = Duration.ofMillis(100);

  private static final Logger LOG = LoggerFactory.getLogger(ReceivedAtClock.class);

  private final Supplier<Instant> source;
  private final LongSupplier nanoTime;
  private final Consumer<Duration> onStepBack;
  private Instant last = Instant.MIN; // guarded by this
  private long lastNanos; // guarded by this; when (nanoTime) last was taken from the source or a floor
  // While the source is behind last: where this clock stood then, and when (nanoTime).
  private Instant anchor; // guarded by this
  private long anchorNanos; // guarded by this
  // source - monotonic of the latest reading (by nanoTime), in microseconds, to measure steps.
  private long offsetMicros; // guarded by this
  private long offsetNanos = Long.MIN_VALUE; // guarded by this; MIN_VALUE until the first reading

  /** @param source the store's clock, e.g. {@code store::clock}; the monotonic clock is {@code System::nanoTime} */
  public ReceivedAtClock(Supplier<Instant> source) {
    this(source, System::nanoTime, step -> { });
  }

  /**
   * @param source the store's clock, read outside any lock here
   * @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests
   * @param onStepBack told the size of every step back of the source larger than {@link #NOTABLE_STEP}
   */
  public ReceivedAtClock(Supplier<Instant> source, LongSupplier nanoTime, Consumer<Duration> onStepBack) {
    this.source = Objects.requireNonNull(source, "source");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.onStepBack = Objects.requireNonNull(onStepBack, "onStepBack");
  }

  /** The clock's value now; every later value is at least this. */
  public Instant now() {
    return advance(read());
  }

  /**
   * Never again answers a value below {@code floor}: the highest {@code received_at} or stable point
   * already made visible (another instance's heartbeat, the store's high mark). The clock then moves
   * on from there at once, as after a step back.
   */
  public synchronized void floor(Instant floor) {
    if (floor.isAfter(last)) {
      last = EpochMicros.truncate(floor);
      lastNanos = nanoTime.getAsLong();
      anchor = null;
    }
  }

  /** Reads the source and the monotonic clock together, without taking a lock, so that a slow store clock does not block other callers. */
  Reading read() {
    long nanos = nanoTime.getAsLong();
    return new Reading(EpochMicros.truncate(source.get()), nanos);
  }

  /** Moves the clock on with a reading taken by {@link #read()}; returns the clock's value. */
  synchronized Instant advance(Reading reading) {
    noteStep(reading);
    if (!reading.source().isBefore(last)) {
      last = reading.source();
      lastNanos = reading.nanos();
      anchor = null;
      return last;
    }
    // Behind what was handed out already: move on at half speed, from where the clock stood when it
    // last followed the source (or was floored), until the source catches up.
    if (anchor == null) {
      anchor = last;
      anchorNanos = lastNanos;
    }
    Instant moved = EpochMicros.truncate(anchor.plusNanos((reading.nanos() - anchorNanos) / 2));
    if (moved.isAfter(last)) {
      last = moved;
    }
    return last;
  }

  private void noteStep(Reading reading) {
    long offset = EpochMicros.of(reading.source()) - reading.nanos() / 1000;
    if (reading.nanos() < offsetNanos) {
      return; // read before the latest reading: its offset says nothing new
    }
    boolean first = offsetNanos == Long.MIN_VALUE;
    long stepMicros = offsetMicros - offset;
    offsetMicros = offset;
    offsetNanos = reading.nanos();
    if (!first && stepMicros > NOTABLE_STEP.toNanos() / 1000) {
      Duration step = Duration.ofNanos(stepMicros * 1000);
      LOG.warn("the clock stepped back by {} ms (to {}); received_at moves on from {} at half speed until the clock "
          + "catches up, so that the feed keeps moving and no stamp falls below one already handed out",
          step.toMillis(), reading.source(), last);
      onStepBack.accept(step);
    }
  }

  /** The source's time and the monotonic clock, read together. */
  record Reading(Instant source, long nanos) {}
}
