package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the publisher's own suite left open (surviving mutants, docs/mutation.md): the heartbeat of
 * a publication while appends hold the watermark back, the listener of acknowledged publications,
 * and the publications that follow a join by themselves.
 */
class WatermarkPublisherEdgesTest {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  @TempDir Path dir;
  FeedServiceTest.MovableClock storeClock;
  SqliteEventStore store;
  ReceivedAtClock clock;
  InFlightWatermark watermark;
  WatermarkPublisher publisher;

  @BeforeEach
  void open() {
    storeClock = new FeedServiceTest.MovableClock(T0);
    store = SqliteEventStore.builder(dir).clock(storeClock).open();
    clock = new ReceivedAtClock(store::clock, () -> 0L, step -> { });
    watermark = new InFlightWatermark(clock);
    publisher = new WatermarkPublisher(store, store, "hub-a", watermark, clock);
  }

  @AfterEach
  void close() {
    publisher.close();
    store.close();
  }

  @Test
  void while_an_append_holds_the_watermark_back_the_heartbeat_is_still_the_time_of_publication() {
    InFlightWatermark.Ticket inFlight = watermark.begin();
    storeClock.now = T0.plusSeconds(10);

    publisher.publishOnce();

    assertThat(inFlight.stamp()).isEqualTo(T0);
    assertThat(store.watermarks()).containsExactly(new InstanceWatermark("hub-a", T0, T0.plusSeconds(10)));
    inFlight.end();
  }

  @Test
  void the_listener_hears_every_acknowledged_publication_and_no_failed_one() {
    AtomicInteger heard = new AtomicInteger();
    publisher.afterEachPublication(heard::incrementAndGet);
    publisher.publishOnce();
    publisher.publishOnce();

    SqliteEventStore closed = SqliteEventStore.open(dir.resolve("closed"));
    closed.close();
    WatermarkPublisher failing = new WatermarkPublisher(closed, closed, "hub-c", watermark, clock);
    AtomicInteger heardFailing = new AtomicInteger();
    failing.afterEachPublication(heardFailing::incrementAndGet);

    assertThat(failing.publishOnce()).isFalse();
    assertThat(failing.lastPublished()).isNull();
    assertThat(heard).hasValue(2);
    assertThat(heardFailing).hasValue(0);
  }

  @Test
  void after_joining_the_instance_publishes_by_itself_at_the_interval() {
    publisher.join(Duration.ofMillis(20), Duration.ZERO);
    Instant joined = publisher.lastPublished();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (publisher.lastPublished().equals(joined)) {
      assertThat(System.nanoTime() - deadline).as("a publication of its own within 20 s").isNegative();
      Thread.onSpinWait();
    }

    // the store's clock stands still: each publication is one microsecond later than the one before
    assertThat(publisher.lastPublished()).isAfter(joined);
    assertThat(store.watermarks()).singleElement().extracting(InstanceWatermark::heartbeat)
        .satisfies(beat -> assertThat(beat).isAfter(joined));
  }
}
