package io.annals.hub.server.feed;

import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One hub instance's feed parts wired as the hub wires them (received-at clock, in-flight
 * watermark, watermark publisher) over a real SQLite store, for the feed's tests. Registered as an
 * extension ({@code @RegisterExtension final FeedFixture fx = FeedFixture.onRealClocks();}) it
 * opens afresh in a temporary directory of its own before each test and is closed and deleted
 * after it; {@link #over} wires one more instance on a store a test opened.
 */
final class FeedFixture implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

  /** The feed's settings in these tests: a lag of 5 s. */
  static final FeedSettings SETTINGS = FeedSettings.of(Duration.ofSeconds(5));

  private final Function<Path, SqliteEventStore> opener;
  private final boolean frozen;
  Path dir;
  SqliteEventStore store;
  ReceivedAtClock clock;
  InFlightWatermark watermark;
  WatermarkPublisher publisher;
  HubMetrics metrics;

  private FeedFixture(Function<Path, SqliteEventStore> opener, boolean frozen) {
    this.opener = opener;
    this.frozen = frozen;
  }

  /** Instance "hub-a" on the real clocks. */
  static FeedFixture onRealClocks() {
    return new FeedFixture(SqliteEventStore::open, false);
  }

  /**
   * Instance "hub-a" on a store whose clock is {@code storeClock}, with a monotonic clock that
   * stands still, so that the received-at clock moves only when the store's does.
   */
  static FeedFixture frozen(Clock storeClock) {
    return new FeedFixture(dir -> SqliteEventStore.builder(dir).clock(storeClock).open(), true);
  }

  /** Instance {@code instanceId} on {@code store} (which it closes), on the real monotonic clock; open now. */
  static FeedFixture over(SqliteEventStore store, String instanceId) {
    FeedFixture fixture = new FeedFixture(dir -> store, false);
    fixture.wire(store, instanceId);
    return fixture;
  }

  private void wire(SqliteEventStore opened, String instanceId) {
    store = opened;
    clock = frozen ? new ReceivedAtClock(store::clock, () -> 0L, step -> { }) : new ReceivedAtClock(store::clock);
    watermark = new InFlightWatermark(clock);
    publisher = new WatermarkPublisher(store, store, instanceId, watermark, clock);
    metrics = new HubMetrics();
  }

  /** The feed over these parts with {@link #SETTINGS}, its guard and expiries timed on {@code nanoTime}. */
  FeedService feed(LongSupplier nanoTime) {
    return new FeedService(store, store, watermark, clock, publisher, SETTINGS, metrics, nanoTime);
  }

  /** A publisher of instance "hub-c" sharing this watermark, over a store that is closed already. */
  WatermarkPublisher publisherOverAClosedStore() {
    SqliteEventStore closed = SqliteEventStore.open(dir.resolve("closed"));
    closed.close();
    return new WatermarkPublisher(closed, closed, "hub-c", watermark, clock);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("annals-feed-test");
    wire(opener.apply(dir), "hub-a");
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(FeedFixture::delete);
    }
  }

  /** Retires the instance (when the test did not), then closes the store. */
  @Override
  public void close() {
    publisher.close();
    store.close();
    metrics.close();
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
