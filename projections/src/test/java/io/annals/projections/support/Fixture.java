package io.annals.projections.support;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.metrics.ProjectionMetrics;
import io.annals.projections.runtime.FeedSource;
import io.annals.projections.runtime.Projection;
import io.annals.projections.runtime.ProjectionRuntime;
import io.annals.projections.runtime.RuntimeConfig;
import io.annals.projections.sql.Database;
import io.annals.testsupport.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A read-model database in a temp directory, an in-memory feed and a hand-moved clock. */
public final class Fixture {

  public final Database database;
  public final ListFeedSource feed = new ListFeedSource(List.of());
  public final TestClock clock = new TestClock(Instant.parse("2026-02-01T00:00:00Z"));
  public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  public final ProjectionMetrics metrics = new ProjectionMetrics(registry);

  public Fixture(Path dir) {
    this.database = Database.open("jdbc:sqlite:" + dir.resolve("read-models.db"));
  }

  public Fixture(Database database) {
    this.database = database;
  }

  public static RuntimeConfig config(String owner) {
    return RuntimeConfig.defaults().withOwner(owner).withBatchSize(10)
        .withRetries(3, Duration.ZERO).withLeaseTimeout(Duration.ofSeconds(30));
  }

  public ProjectionRuntime runtime(String owner, Projection... projections) {
    return runtime(config(owner), feed, projections);
  }

  public ProjectionRuntime runtime(RuntimeConfig config, FeedSource source, Projection... projections) {
    return ProjectionRuntime.builder(database, source)
        .projections(List.of(projections))
        .config(config)
        .metrics(metrics)
        .clock(clock)
        .sleeper(d -> {})
        .build();
  }

  /** {@code count} events of one service and type, one second apart. */
  public static List<ReceivedEvent> events(int from, int count) {
    List<ReceivedEvent> events = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      String at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n).toString();
      events.add(TestEvents.event(TestEvents.id(n), "shop", "order-placed", at, at));
    }
    return events;
  }

  public List<String> seen(String table) {
    return Sql.rows(database, "SELECT event_id FROM " + table + " ORDER BY event_id").stream()
        .map(row -> row.get(0)).toList();
  }

  public static List<String> ids(List<ReceivedEvent> events) {
    return events.stream().map(ReceivedEvent::id).sorted().toList();
  }
}
