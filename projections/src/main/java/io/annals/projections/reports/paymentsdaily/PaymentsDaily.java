package io.annals.projections.reports.paymentsdaily;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.Batch;
import io.annals.projections.runtime.ErasureApplied;
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
 *
 * <p>Table {@code payments_customers(event_id, day, currency, amount, customer_email)} lists each
 * payment with the payer's e-mail ({@code customer_email}, personal data; null when absent). When
 * the hub erases it ({@link ErasureApplied}), the e-mail goes and the totals stay; when it erases a
 * payment's amount (or whole payload), the payment leaves the totals and the list, as a rebuild
 * from the erased history would have it.
 */
public final class PaymentsDaily implements Projection {

  public static final String NAME = "payments-daily";
  static final String TABLE = "payments_daily";
  static final String CUSTOMERS = "payments_customers";

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
    return 2; // 2: payments_customers
  }

  @Override
  public List<String> tables() {
    return List.of(TABLE, CUSTOMERS);
  }

  @Override
  public List<String> schema(ReadModel readModel) {
    return List.of("CREATE TABLE " + readModel.table(TABLE) + " (day VARCHAR(10) NOT NULL, "
        + "currency VARCHAR(16) NOT NULL, total " + readModel.dialect().decimalType() + " NOT NULL, "
        + "count BIGINT NOT NULL, PRIMARY KEY (day, currency))",
        "CREATE TABLE " + readModel.table(CUSTOMERS) + " (event_id VARCHAR(36) NOT NULL PRIMARY KEY, day VARCHAR(10) NOT NULL, "
        + "currency VARCHAR(16) NOT NULL, amount " + readModel.dialect().decimalType() + " NOT NULL, customer_email TEXT)");
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

  private record Payment(String eventId, Key key, BigDecimal amount, String customerEmail) {}

  /**
   * Sums a batch in memory and writes one row per day and currency at flush: read the stored
   * total, add exactly in Java (SQLite has no decimal arithmetic), write it back. Safe because the
   * lease makes this transaction the only writer of the table.
   */
  private static final class DailyTotals implements Batch {
    private final ReadModel readModel;
    private final Map<Key, Sum> pending = new TreeMap<>();
    private final List<Payment> payments = new java.util.ArrayList<>();

    DailyTotals(ReadModel readModel) {
      this.readModel = readModel;
    }

    @Override
    public void apply(ReceivedEvent event) {
      com.fasterxml.jackson.databind.JsonNode payload = event.payload();
      com.fasterxml.jackson.databind.JsonNode amountNode = payload == null ? null : payload.get("amount");
      if (ErasureApplied.isErased(amountNode)) {
        return; // its amount was erased: as onErasure took it out of the totals (a rebuild reads it so)
      }
      Amount amount = Amount.parse(amountNode);
      LocalDate day = LocalDate.ofInstant(event.createdAt(), ZoneOffset.UTC);
      Key key = new Key(day.toString(), amount.currency());
      pending.merge(key, new Sum(amount.value(), 1), Sum::plus);
      com.fasterxml.jackson.databind.JsonNode email = payload.get("customer_email");
      payments.add(new Payment(event.id(), key, amount.value(), email != null && email.isTextual() ? email.asText() : null));
    }

    @Override
    public void onErasure(ErasureApplied erasure) throws SQLException {
      flush(); // the erased events may be among this batch's
      String customers = readModel.table(CUSTOMERS);
      try (PreparedStatement find = readModel.connection().prepareStatement(
              "SELECT day, currency, amount FROM " + customers + " WHERE event_id = ?");
          PreparedStatement delete = readModel.connection().prepareStatement("DELETE FROM " + customers + " WHERE event_id = ?");
          PreparedStatement forget = readModel.connection().prepareStatement(
              "UPDATE " + customers + " SET customer_email = NULL WHERE event_id = ?")) {
        for (String id : erasure.eventIds()) {
          if (erasure.erases("amount")) {
            find.setString(1, id);
            try (ResultSet row = find.executeQuery()) {
              if (row.next()) {
                pending.merge(new Key(row.getString("day"), row.getString("currency")),
                    new Sum(readModel.dialect().getDecimal(row, "amount").negate(), -1), Sum::plus);
              }
            }
            delete.setString(1, id);
            delete.executeUpdate();
          } else if (erasure.erases("customer_email")) {
            forget.setString(1, id);
            forget.executeUpdate();
          }
        }
      }
      flush();
    }

    @Override
    public void flush() throws SQLException {
      if (!payments.isEmpty()) {
        try (PreparedStatement insert = readModel.connection().prepareStatement("INSERT INTO " + readModel.table(CUSTOMERS)
            + " (event_id, day, currency, amount, customer_email) VALUES (?, ?, ?, ?, ?)")) {
          for (Payment p : payments) {
            insert.setString(1, p.eventId());
            insert.setString(2, p.key().day());
            insert.setString(3, p.key().currency());
            readModel.dialect().setDecimal(insert, 4, p.amount());
            insert.setString(5, p.customerEmail());
            insert.executeUpdate();
          }
        }
        payments.clear();
      }
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
          if (sum.count() == 0) {
            // Every payment of the day and currency had its amount erased: no row, as a rebuild has none.
            try (PreparedStatement delete = readModel.connection().prepareStatement(
                "DELETE FROM " + table + " WHERE day = ? AND currency = ?")) {
              delete.setString(1, entry.getKey().day());
              delete.setString(2, entry.getKey().currency());
              delete.executeUpdate();
            }
            continue;
          }
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
