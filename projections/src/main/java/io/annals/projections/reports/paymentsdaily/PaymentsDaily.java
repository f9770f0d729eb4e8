package io.annals.projections.reports.paymentsdaily;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.Batch;
import io.annals.projections.runtime.Projection;
import io.annals.projections.runtime.ReadModel;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code payments-daily}: per UTC day of {@code created_at} and currency, the exact total and the
 * number of {@code payment-completed} events. Sums and counts do not depend on arrival order.
 * Table {@code payments_daily(day, currency, total, count)}; {@code total} is an exact decimal
 * (NUMERIC on PostgreSQL, text on SQLite), never a float.
 */
public final class PaymentsDaily implements Projection {

  public static final String NAME = "payments-daily";
  static final String TABLE = "payments_daily";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> eventTypes() {
    return Set.of("payment-completed");
  }

  @Override
  public int schemaVersion() {
    return 1;
  }

  @Override
  public List<String> tables() {
    return List.of(TABLE);
  }

  @Override
  public List<String> schema(ReadModel readModel) {
    return List.of("CREATE TABLE " + readModel.table(TABLE) + " (day VARCHAR(10) NOT NULL, "
        + "currency VARCHAR(16) NOT NULL, total " + readModel.dialect().decimalType() + " NOT NULL, "
        + "count BIGINT NOT NULL, PRIMARY KEY (day, currency))");
  }

  @Override
  public Batch begin(ReadModel readModel) {
    return new DailyTotals(readModel);
  }

  @Override
  public Optional<CsvExport> export() {
    return Optional.of(new CsvExport(TABLE, List.of("day", "currency", "total", "count"), "day, currency"));
  }

  private record Key(String day, String currency) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byDay = day.compareTo(other.day);
      return byDay != 0 ? byDay : currency.compareTo(other.currency);
    }
  }

  private record Sum(BigDecimal total, long count) {
    Sum plus(Sum other) {
      return new Sum(total.add(other.total), count + other.count);
    }
  }

  /**
   * Sums a batch in memory and writes one row per day and currency at flush: read the stored
   * total, add exactly in Java (SQLite has no decimal arithmetic), write it back. Safe because the
   * lease makes this transaction the only writer of the table.
   */
  private static final class DailyTotals implements Batch {
    private final ReadModel readModel;
    private final Map<Key, Sum> pending = new TreeMap<>();

    DailyTotals(ReadModel readModel) {
      this.readModel = readModel;
    }

    @Override
    public void apply(ReceivedEvent event) {
      Amount amount = Amount.parse(event.payload() == null ? null : event.payload().get("amount"));
      LocalDate day = LocalDate.ofInstant(event.createdAt(), ZoneOffset.UTC);
      pending.merge(new Key(day.toString(), amount.currency()), new Sum(amount.value(), 1), Sum::plus);
    }

    @Override
    public void flush() throws SQLException {
      if (pending.isEmpty()) {
        return;
      }
      String table = readModel.table(TABLE);
      try (PreparedStatement select = readModel.connection().prepareStatement(
              "SELECT total, count FROM " + table + " WHERE day = ? AND currency = ?");
          PreparedStatement upsert = readModel.connection().prepareStatement(
              "INSERT INTO " + table + " (day, currency, total, count) VALUES (?, ?, ?, ?) "
                  + "ON CONFLICT (day, currency) DO UPDATE SET total = excluded.total, count = excluded.count")) {
        for (Map.Entry<Key, Sum> entry : pending.entrySet()) {
          Sum sum = entry.getValue().plus(stored(select, entry.getKey()));
          upsert.setString(1, entry.getKey().day());
          upsert.setString(2, entry.getKey().currency());
          readModel.dialect().setDecimal(upsert, 3, sum.total());
          upsert.setLong(4, sum.count());
          upsert.executeUpdate();
        }
      }
      pending.clear();
    }

    private Sum stored(PreparedStatement select, Key key) throws SQLException {
      select.setString(1, key.day());
      select.setString(2, key.currency());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return new Sum(BigDecimal.ZERO, 0);
        }
        return new Sum(readModel.dialect().getDecimal(row, "total"), row.getLong("count"));
      }
    }
  }
}
