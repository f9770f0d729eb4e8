package io.annals.hub.server.feed;

import io.annals.hub.server.store.EventStore;
import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this instance's watermark to the store at a fixed interval, so that the feeds of all
 * instances sharing the store hold back exactly as far as this instance's writes in flight, and
 * no further. Retires the instance on {@link #close()} (it will write nothing more).
 */
public final class WatermarkPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WatermarkPublisher.class);

  private final EventStore store;
  private final String instanceId;
  private final Supplier<Instant> watermark;
  private final Supplier<Instant> now;
  private final ScheduledExecutorService scheduler;
  private volatile boolean warned;

  /**
   * @param watermark this instance's current watermark (every later stamp is at or above it)
   * @param now the current time on the store's clock
   */
  public WatermarkPublisher(
      EventStore store, String instanceId, Supplier<Instant> watermark, Supplier<Instant> now) {
    this.store = store;
    this.instanceId = instanceId;
    this.watermark = watermark;
    this.now = now;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "watermark-publisher");
              t.setDaemon(true);
              return t;
            });
  }

  /** Publishes once now (so the instance is known before it takes writes), then every {@code interval}. */
  public void start(Duration interval) {
    publishOnce();
    scheduler.scheduleWithFixedDelay(
        this::publishOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Publishes the current watermark; returns false when the store did not answer. */
  public boolean publishOnce() {
    // Read the watermark before the heartbeat: the promise must hold at the heartbeat's time.
    Instant mark = watermark.get();
    Instant beat = now.get();
    try {
      store.publishWatermark(new InstanceWatermark(instanceId, mark, beat.isBefore(mark) ? mark : beat));
      warned = false;
      return true;
    } catch (StoreUnavailableException e) {
      if (!warned) {
        LOG.warn("could not publish the feed watermark of instance {}: {}", instanceId, e.getMessage());
        warned = true;
      }
      return false;
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
      store.retireInstance(instanceId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StoreUnavailableException e) {
      LOG.warn("could not retire instance {}: {}; others fall back to the feed lag for it", instanceId, e.getMessage());
    }
  }
}
