package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WatermarkPublisherTest {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  // A store clock that stands still, and no time passing on the monotonic clock either: the
  // hardest case for telling publications apart
  @RegisterExtension final FeedFixture fx = FeedFixture.frozen(Clock.fixed(T0, ZoneOffset.UTC));

  @Test
  void each_publication_has_a_later_heartbeat_even_when_the_clock_stands_still() {
    fx.publisher.publishOnce();
    Instant first = fx.store.watermarks().get(0).heartbeat();
    fx.publisher.publishOnce();
    Instant second = fx.store.watermarks().get(0).heartbeat();

    assertThat(first).isEqualTo(T0);
    assertThat(second).isAfter(first);
    assertThat(fx.publisher.lastPublished()).isEqualTo(second);
    assertThat(fx.store.watermarks()).containsExactly(new InstanceWatermark("hub-a", T0, second));
  }

  @Test
  void joining_floors_the_clock_just_above_the_heartbeats_other_instances_published() {
    // Given another instance whose clock is an hour ahead of this one's
    fx.store.publishWatermark(new InstanceWatermark("hub-b", T0.plusSeconds(3000), T0.plusSeconds(3600)));

    // When this instance joins, then it stamps nothing at or below what the other may have handed out as a stable point
    assertThat(firstStampAfterJoining()).isEqualTo(T0.plusSeconds(3600).plusNanos(1000));
    assertThat(fx.store.watermarks()).extracting(InstanceWatermark::instanceId).containsExactly("hub-a", "hub-b");
  }

  @Test
  void joining_after_an_instance_retired_still_floors_the_clock_above_its_last_heartbeat() {
    // Given an instance an hour ahead that published, then retired (a graceful restart: its row is gone)
    fx.store.publishWatermark(new InstanceWatermark("hub-b", T0.plusSeconds(3000), T0.plusSeconds(3600)));
    fx.store.retireInstance("hub-b");

    // When this instance joins with its clock an hour behind, then the store's high mark still floors its stamps
    assertThat(firstStampAfterJoining()).isEqualTo(T0.plusSeconds(3600).plusNanos(1000));
  }

  @Test
  void joining_floors_the_clock_above_the_newest_stored_received_at() {
    // Given an event stored with a received_at an hour ahead of this instance's clock
    fx.store.append(List.of(new StoredEvent(new Event(UUID.randomUUID().toString(), "billing", "paid", T0, "a/1", null, "{}"),
        T0.plusSeconds(3600))));

    // When this instance joins, then it stamps after that event, so that a cursor standing on it misses nothing
    assertThat(firstStampAfterJoining()).isEqualTo(T0.plusSeconds(3600).plusNanos(1000));
  }

  /** Joins, and returns the stamp of the first append after joining. */
  private Instant firstStampAfterJoining() {
    fx.publisher.join(Duration.ofHours(1), Duration.ZERO);
    InFlightWatermark.Ticket ticket = fx.watermark.begin();
    ticket.end();
    return ticket.stamp();
  }

  @Test
  void a_join_that_cannot_publish_says_why() {
    WatermarkPublisher failing = fx.publisherOverAClosedStore();

    assertThatThrownBy(() -> failing.join(Duration.ofHours(1), Duration.ZERO))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("could not publish its feed watermark: ")
        .hasMessageContaining("closed");
  }

  @Test
  void closing_retires_the_instance() {
    fx.publisher.join(Duration.ofHours(1), Duration.ZERO);
    fx.store.publishWatermark(new InstanceWatermark("hub-b", T0, T0));

    fx.publisher.close();

    assertThat(fx.store.watermarks()).extracting(InstanceWatermark::instanceId).containsExactly("hub-b");
  }
}
