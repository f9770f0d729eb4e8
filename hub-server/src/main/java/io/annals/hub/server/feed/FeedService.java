package io.annals.hub.server.feed;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.FeedSource;
import io.annals.hub.server.store.InstanceRegistry;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projection feed: pages of events below the stable point, each with the cursor to continue
 * from. Following {@code next} yields every acknowledged event of the requested types exactly
 * once, in {@code (received_at, id)} order, whichever hub instance answers each page.
 *
 * <p>{@code next} never moves backwards: a page that is full continues after its last event; a
 * page that is not continues at {@code (stable point, "")}, everything at or after the stable point,
 * unless the request's cursor is already further (another instance saw a later stable point).
 *
 * <p>Full pages are followed by a read of the next page ahead of its request ({@link PagesAhead}).
 *
 * <p>The guard: a read whose stable point and page together took longer than half the lag (a GC
 * pause, a slow store) answers an empty page that continues where the request started. The stable
 * point does not rest on timing, except for the fallback of an instance that stopped reporting;
 * the guard keeps a stalled read from stretching that assumption any further.
 */
public final class FeedService {

  private static final Logger LOG = LoggerFactory.getLogger(FeedService.class);
  static final Comparator<Position> ORDER =
      Comparator.comparing(Position::receivedAt).thenComparing(Position::id);

  private final FeedSource source;
  private final InstanceRegistry instances;
  private final InFlightWatermark watermark;
  private final ReceivedAtClock clock;
  private final WatermarkPublisher publisher;
  private final StablePoint stablePoint;
  private final HubMetrics metrics;
  private final LongSupplier nanoTime;
  private final long guardNanos;
  private final PagesAhead ahead = new PagesAhead();

  /** @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests */
  public FeedService(FeedSource source, InstanceRegistry instances, InFlightWatermark watermark, ReceivedAtClock clock,
      WatermarkPublisher publisher, FeedSettings settings, HubMetrics metrics, LongSupplier nanoTime) {
    this.source = Objects.requireNonNull(source, "source");
    this.instances = Objects.requireNonNull(instances, "instances");
    this.watermark = Objects.requireNonNull(watermark, "watermark");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.stablePoint = new StablePoint(publisher.instanceId(), settings.lag(), settings.expireAfter(), nanoTime);
    this.guardNanos = settings.guard().toNanos();
  }

  /**
   * The page after {@code after} (null = the start of history) of at most {@code limit} events
   * whose type is in {@code types} (empty = every type).
   */
  public FeedPage read(Set<String> types, Position after, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    FeedPage page = ahead.take(types, after, limit);
    if (page == null) {
      page = readNow(types, after, limit);
    }
    if (page.events().size() == limit) {
      // A consumer following the feed asks for the next page as soon as it has this one's cursor.
      Position next = page.next();
      ahead.readAhead(types, next, limit, () -> readNow(types, next, limit));
    }
    return page;
  }

  private FeedPage readNow(Set<String> types, Position after, int limit) {
    long started = nanoTime.getAsLong();
    Instant stable = stablePoint();
    List<StoredEvent> events = source.feed(types, after, stable, limit);
    if (nanoTime.getAsLong() - started > guardNanos) {
      LOG.warn("a feed read took longer than {} ms; answered an empty page to keep the feed's promise", guardNanos / 1_000_000);
      return new FeedPage(List.of(), after, stable);
    }
    Position next;
    if (events.size() == limit) {
      StoredEvent last = events.get(events.size() - 1);
      next = new Position(last.receivedAt(), last.id());
    } else {
      next = new Position(stable, "");
      if (after != null && ORDER.compare(after, next) > 0) {
        next = after;
      }
    }
    return new FeedPage(events, next, stable);
  }

  /**
   * Every type's events after {@code from} and below the stable point, at most {@code max}: what a
   * registry of waiting consumers asks once per signal to learn which of them have something to read.
   * Null when the read took longer than the guard (see the class comment): then nothing is known.
   */
  public Newly newSince(Position from, int max) {
    long started = nanoTime.getAsLong();
    Instant stable = stablePoint();
    List<StoredEvent> events = before(from, stable) ? source.feed(Set.of(), from, stable, max) : List.of();
    if (nanoTime.getAsLong() - started > guardNanos) {
      return null;
    }
    return new Newly(events, stable, events.size() < max);
  }

  /** Whether {@code p} lies before {@code (stable, "")}, so that something may be visible after it. */
  static boolean before(Position p, Instant stable) {
    return p == null || ORDER.compare(p, new Position(stable, "")) < 0;
  }

  /**
   * What {@link #newSince} found.
   *
   * @param events in feed order
   * @param stable the stable point they lie below
   * @param complete true when {@code events} are all there are below {@code stable}, not the first {@code max}
   */
  public record Newly(List<StoredEvent> events, Instant stable, boolean complete) {
    public Newly {
      events = List.copyOf(events);
    }
  }

  /** How many pages read ahead were served (for tests). */
  long pagesServedAhead() {
    return ahead.served();
  }

  /** How many events of {@code types} lie after {@code after} and below the stable point, and the oldest one's time. */
  public FeedLag lag(Set<String> types, Position after) {
    Instant stable = stablePoint();
    long count = source.countFeed(types, after, stable);
    Instant oldest = count == 0 ? null : source.feed(types, after, stable, 1).stream()
        .findFirst().map(StoredEvent::receivedAt).orElse(null);
    return new FeedLag(count, oldest, stable);
  }

  /** The stable point now; records {@code now - stable} in the gauge and retires expired instances. */
  public Instant stablePoint() {
    // Read our own published heartbeat before the others' watermarks: see StablePoint and decisions.md.
    Instant published = publisher.lastPublished();
    if (published == null) {
      throw new StoreUnavailableException("this hub instance has not yet published its feed watermark to the store", null);
    }
    StablePoint.Result result = stablePoint.compute(watermark.watermark(), published, instances.watermarks(), clock.now());
    Instant stable = result.stableBefore();
    metrics.feedStableLag(Duration.between(stable, clock.now()));
    for (String expired : result.expired()) {
      retire(expired);
    }
    return stable;
  }

  private void retire(String instanceId) {
    try {
      instances.retireInstance(instanceId);
      LOG.warn("hub instance {} has not published its feed watermark for longer than the expiry; retired it", instanceId);
    } catch (StoreUnavailableException e) {
      LOG.warn("could not retire silent hub instance {}: {}", instanceId, e.getMessage());
    }
  }
}
