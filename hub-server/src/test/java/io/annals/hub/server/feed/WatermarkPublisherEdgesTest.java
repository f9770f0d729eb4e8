package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.store.InstanceWatermark;
import io.annals.testsupport.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the publisher's own suite left open (surviving mutants, docs/mutation.md): the heartbeat of
 * a publication while appends hold the watermark back, the listener of acknowledged publications,
 * and the publications that follow a join by themselves.
 */
class WatermarkPublisherEdgesTest {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  final TestClock storeClock = new TestClock(T0);
  @RegisterExtension final FeedFixture fx = FeedFixture.frozen(storeClock);

  @Test
  void while_an_append_holds_the_watermark_back_the_heartbeat_is_still_the_time_of_publication() {
    InFlightWatermark.Ticket inFlight = fx.watermark.begin();
    storeClock.set(T0.plusSeconds(10));

    fx.publisher.publishOnce();

    assertThat(inFlight.stamp()).isEqualTo(T0);
    assertThat(fx.store.watermarks()).containsExactly(new InstanceWatermark("hub-a", T0, T0.plusSeconds(10)));
    inFlight.end();
  }

  @Test
  void the_listener_hears_every_acknowledged_publication_and_no_failed_one() {
    AtomicInteger heard = new AtomicInteger();
    fx.publisher.afterEachPublication(heard::incrementAndGet);
    fx.publisher.publishOnce();
    fx.publisher.publishOnce();

    WatermarkPublisher failing = fx.publisherOverAClosedStore();
    AtomicInteger heardFailing = new AtomicInteger();
    failing.afterEachPublication(heardFailing::incrementAndGet);

    assertThat(failing.publishOnce()).isFalse();
    assertThat(failing.lastPublished()).isNull();
    assertThat(heard).hasValue(2);
    assertThat(heardFailing).hasValue(0);
  }

  @Test
  void after_joining_the_instance_publishes_by_itself_at_the_interval() {
    fx.publisher.join(Duration.ofMillis(20), Duration.ZERO);
    Instant joined = fx.publisher.lastPublished();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (fx.publisher.lastPublished().equals(joined)) {
      assertThat(System.nanoTime() - deadline).as("a publication of its own within 20 s").isNegative();
      Thread.onSpinWait();
    }

    // the store's clock stands still: each publication is one microsecond later than the one before
    assertThat(fx.publisher.lastPublished()).isAfter(joined);
    assertThat(fx.store.watermarks()).singleElement().extracting(InstanceWatermark::heartbeat)
        .satisfies(beat -> assertThat(beat).isAfter(joined));
  }
}
