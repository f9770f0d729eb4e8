package io.annals.hub.server.metrics;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.StoreUnavailableException;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metered ports on a real SQLite store: each call lands under the name docs/metrics.md gives it. */
class MeteredEventStoreTest {

  @TempDir Path dir;

  private final HubMetrics metrics = new HubMetrics();
  private Store raw;
  private Store metered;

  @BeforeEach
  void open_a_metered_store() {
    raw = Store.of(SqliteEventStore.open(dir));
    metered = MeteredEventStore.meter(raw, metrics);
  }

  @AfterEach
  void close_it() {
    metered.close();
    metrics.close();
  }

  @Test
  void every_call_of_the_event_log_the_feed_source_and_the_health_check_is_timed_under_its_operation() {
    metered.log().append(List.of(anEvent(1).build()));
    metered.log().find(id(1));
    metered.log().query(EventFilter.none(), null, 10);
    metered.log().aggregateHistory("payment/1", null, null, 10);
    metered.feed().feed(Set.of(), null, micros(100), 10);
    metered.feed().countFeed(Set.of(), null, micros(100));
    metered.health().ping();

    for (String operation : List.of("append", "find", "query", "aggregate", "feed", "count", "ping")) {
      assertThat(sample("annals_hub_store_seconds_count{operation=\"" + operation + "\",result=\"ok\"}"))
          .as(operation).isEqualTo(1.0);
    }
    assertThat(sample("annals_hub_store_ready")).isEqualTo(1.0);
  }

  @Test
  void a_store_that_stopped_answering_is_counted_unavailable_and_not_ready() {
    metered.health().ping();

    raw.close();

    assertThatThrownBy(() -> metered.health().ping()).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> metered.log().find(id(1))).isInstanceOf(StoreUnavailableException.class);
    assertThat(sample("annals_hub_store_seconds_count{operation=\"ping\",result=\"unavailable\"}")).isEqualTo(1.0);
    assertThat(sample("annals_hub_store_seconds_count{operation=\"find\",result=\"unavailable\"}")).isEqualTo(1.0);
    assertThat(sample("annals_hub_store_ready")).isEqualTo(0.0);
  }

  @Test
  void the_instance_registry_and_the_clock_pass_through_unmetered() {
    assertThat(metered.instances()).isSameAs(raw.instances());
    assertThat(metered.clock()).isSameAs(raw.clock());
  }

  /** The value of the one sample line that starts with {@code nameAndLabels} followed by a space. */
  private double sample(String nameAndLabels) {
    List<String> lines = metrics.scrape().lines().filter(l -> l.startsWith(nameAndLabels + " ")).toList();
    assertThat(lines).as(nameAndLabels).hasSize(1);
    return Double.parseDouble(lines.get(0).substring(nameAndLabels.length() + 1));
  }
}
