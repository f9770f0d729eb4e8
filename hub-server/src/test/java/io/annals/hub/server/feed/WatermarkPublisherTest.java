package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatermarkPublisherTest {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  @TempDir Path dir;
  SqliteEventStore store;
  ReceivedAtClock clock;
  InFlightWatermark watermark;
  WatermarkPublisher publisher;

  @BeforeEach
  void open() {
    // A store clock that stands still, the hardest case for telling publications apart
    store = SqliteEventStore.builder(dir).clock(Clock.fixed(T0, ZoneOffset.UTC)).open();
    clock = new ReceivedAtClock(store::clock);
    watermark = new InFlightWatermark(clock);
    publisher = new WatermarkPublisher(store, "hub-a", watermark, clock);
  }

  @AfterEach
  void close() {
    publisher.close();
    store.close();
  }

  @Test
  void each_publication_has_a_later_heartbeat_even_when_the_clock_stands_still() {
    publisher.publishOnce();
    Instant first = store.watermarks().get(0).heartbeat();
    publisher.publishOnce();
    Instant second = store.watermarks().get(0).heartbeat();

    assertThat(first).isEqualTo(T0);
    assertThat(second).isAfter(first);
    assertThat(publisher.lastPublished()).isEqualTo(second);
    assertThat(store.watermarks()).containsExactly(new InstanceWatermark("hub-a", T0, second));
  }

  @Test
  void joining_floors_the_clock_at_the_heartbeats_other_instances_published() {
    // Given another instance whose clock is an hour ahead of this one's
    store.publishWatermark(new InstanceWatermark("hub-b", T0.plusSeconds(3000), T0.plusSeconds(3600)));

    // When this instance joins
    publisher.join(Duration.ofHours(1), Duration.ZERO);

    // Then it stamps nothing below what the other may have handed out as a stable point
    InFlightWatermark.Ticket ticket = watermark.begin();
    assertThat(ticket.stamp()).isEqualTo(T0.plusSeconds(3600));
    ticket.end();
    assertThat(store.watermarks()).extracting(InstanceWatermark::instanceId).containsExactly("hub-a", "hub-b");
  }

  @Test
  void closing_retires_the_instance() {
    publisher.join(Duration.ofHours(1), Duration.ZERO);
    store.publishWatermark(new InstanceWatermark("hub-b", T0, T0));

    publisher.close();

    assertThat(store.watermarks()).extracting(InstanceWatermark::instanceId).containsExactly("hub-b");
  }
}
