package io.annals.projections.reports.eventsdaily;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.Batch;
import io.annals.projections.runtime.Projection;
import io.annals.projections.runtime.ReadModel;
import io.annals.projections.sql.LatestByCreatedAt;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code events-daily}: how many events each service raised of each type per UTC day of
 * {@code created_at} ({@code events_daily(day, service, type, count)}), and the latest event of
 * each service and type ({@code events_latest}: who went quiet, and since when). Counts are
 * commutative; the latest event is kept by {@link LatestByCreatedAt}, so neither depends on
 * arrival order.
 *
 * <p>Erasures: it keeps no payload member, only meta (service, type, day, aggregate id), which an
 * erasure never touches, so its {@code onErasure} is the default that keeps everything; the hub's
 * own {@code erasure-applied} events go to that hook and are not counted as events.
 */
public final class EventsDaily implements Projection {

  public static final String NAME = "events-daily";
  static final String DAILY = "events_daily";
  static final String LATEST = "events_latest";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> eventTypes() {
    return Set.of();
  }

  @Override
  public int schemaVersion() {
    return 1;
  }

  @Override
  public List<String> tables() {
    return List.of(DAILY, LATEST);
  }

  @Override
  public List<String> schema(ReadModel readModel) {
    return List.of(
        "CREATE TABLE " + readModel.table(DAILY) + " (day VARCHAR(10) NOT NULL, service VARCHAR(200) NOT NULL, "
            + "type VARCHAR(200) NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (day, service, type))",
        "CREATE TABLE " + readModel.table(LATEST) + " (service VARCHAR(200) NOT NULL, type VARCHAR(200) NOT NULL, "
            + "aggregate_id TEXT NOT NULL, created_at VARCHAR(40) NOT NULL, "
            + LatestByCreatedAt.bookkeepingColumns() + ", PRIMARY KEY (service, type))");
  }

  @Override
  public Batch begin(ReadModel readModel) {
    return new Counts(readModel);
  }

  @Override
  public Optional<CsvExport> export() {
    return Optional.of(new CsvExport(DAILY, List.of("day", "service", "type", "count"), "day, service, type"));
  }

  private record Key(String day, String service, String type) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int c = day.compareTo(other.day);
      if (c == 0) {
        c = service.compareTo(other.service);
      }
      return c != 0 ? c : type.compareTo(other.type);
    }
  }

  /** Counts a batch in memory; at flush adds the counts and offers each latest event once. */
  private static final class Counts implements Batch {
    private final ReadModel readModel;
    private final Map<Key, Long> counts = new TreeMap<>();
    private final Map<String, ReceivedEvent> latest = new TreeMap<>();

    Counts(ReadModel readModel) {
      this.readModel = readModel;
    }

    @Override
    public void apply(ReceivedEvent event) {
      String day = LocalDate.ofInstant(event.createdAt(), ZoneOffset.UTC).toString();
      counts.merge(new Key(day, event.service(), event.type()), 1L, Long::sum);
      latest.merge(event.service() + '\u0000' + event.type(), event, (a, b) ->
          LatestByCreatedAt.newer(b.createdAt(), b.id(), a.createdAt(), a.id()) ? b : a);
    }

    @Override
    public void flush() throws SQLException {
      String daily = readModel.table(DAILY);
      try (PreparedStatement add = readModel.connection().prepareStatement(
          "INSERT INTO " + daily + " (day, service, type, count) VALUES (?, ?, ?, ?) "
              + "ON CONFLICT (day, service, type) DO UPDATE SET count = " + daily + ".count + excluded.count")) {
        for (Map.Entry<Key, Long> entry : counts.entrySet()) {
          add.setString(1, entry.getKey().day());
          add.setString(2, entry.getKey().service());
          add.setString(3, entry.getKey().type());
          add.setLong(4, entry.getValue());
          add.executeUpdate();
        }
      }
      LatestByCreatedAt upsert = LatestByCreatedAt.into(readModel.table(LATEST),
          List.of("service", "type"), List.of("aggregate_id", "created_at"));
      try (LatestByCreatedAt.Writer writer = upsert.prepare(readModel.connection())) {
        for (ReceivedEvent event : latest.values()) {
          writer.write(event.createdAt(), event.id(), event.service(), event.type(), event.aggregateId(),
              event.createdAt().toString());
        }
      }
      counts.clear();
      latest.clear();
    }
  }
}
