package io.annals.projections.it;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.Batch;
import io.annals.projections.runtime.Projection;
import io.annals.projections.runtime.ReadModel;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Records which worker applied each event, in which transaction, when: {@code audit(event_id
 * PRIMARY KEY, worker, batch_id, batch_started_us, applied_us)}. The primary key makes a second
 * application of an event fail; the batch intervals show whether two workers ever applied at once.
 */
public final class AuditProjection implements Projection {

  private final String worker;

  public AuditProjection(String worker) {
    this.worker = worker;
  }

  @Override
  public String name() {
    return "audit";
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
    return List.of("audit");
  }

  @Override
  public List<String> schema(ReadModel readModel) {
    return List.of("CREATE TABLE " + readModel.table("audit") + " (event_id VARCHAR(100) NOT NULL PRIMARY KEY, "
        + "worker VARCHAR(250) NOT NULL, batch_id VARCHAR(40) NOT NULL, batch_started_us BIGINT NOT NULL, "
        + "applied_us BIGINT NOT NULL)");
  }

  @Override
  public Batch begin(ReadModel readModel) throws SQLException {
    String batch = UUID.randomUUID().toString();
    long started = micros();
    PreparedStatement insert = readModel.connection().prepareStatement("INSERT INTO " + readModel.table("audit")
        + " (event_id, worker, batch_id, batch_started_us, applied_us) VALUES (?, ?, ?, ?, ?)");
    return new Batch() {
      @Override
      public void apply(ReceivedEvent event) throws SQLException {
        insert.setString(1, event.id());
        insert.setString(2, worker);
        insert.setString(3, batch);
        insert.setLong(4, started);
        insert.setLong(5, micros());
        insert.executeUpdate();
      }

      @Override
      public void close() throws SQLException {
        insert.close();
      }
    };
  }

  private static long micros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }
}
