package io.annals.projections.support;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.Batch;
import io.annals.projections.runtime.Projection;
import io.annals.projections.runtime.ReadModel;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A projection that records each event id in table {@code seen} (primary key: applying an event
 * twice fails loudly), and can be told to fail on an event or to "crash" (throw an Error, which
 * the runtime does not catch, like a process dying mid-batch).
 */
public final class RecordingProjection implements Projection {

  /** Stands for the process dying: not an Exception, so nothing handles it. */
  public static final class Crash extends Error {
    public Crash() {
      super("simulated crash");
    }
  }

  private final String name;
  private final int schemaVersion;
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final AtomicInteger crashAtApply = new AtomicInteger(-1);
  private final AtomicInteger applies = new AtomicInteger();
  private volatile Runnable onApply = () -> {};

  public RecordingProjection() {
    this("recording", 1);
  }

  public RecordingProjection(String name, int schemaVersion) {
    this.name = name;
    this.schemaVersion = schemaVersion;
  }

  /** The handler fails on {@code eventId} the next {@code times} times (Integer.MAX_VALUE: always). */
  public RecordingProjection failOn(String eventId, int times) {
    failures.put(eventId, new AtomicInteger(times));
    return this;
  }

  public void heal() {
    failures.clear();
  }

  /** The {@code n}-th call of apply from now (1-based) throws {@link Crash}. */
  public void crashAtApply(int n) {
    crashAtApply.set(applies.get() + n);
  }

  public void onApply(Runnable action) {
    this.onApply = action;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<String> eventTypes() {
    return Set.of();
  }

  @Override
  public int schemaVersion() {
    return schemaVersion;
  }

  @Override
  public List<String> tables() {
    return List.of("seen");
  }

  @Override
  public List<String> schema(ReadModel readModel) {
    return List.of("CREATE TABLE " + readModel.table("seen")
        + " (event_id VARCHAR(100) NOT NULL PRIMARY KEY, schema_version INTEGER NOT NULL)");
  }

  @Override
  public Batch begin(ReadModel readModel) throws SQLException {
    PreparedStatement insert = readModel.connection().prepareStatement(
        "INSERT INTO " + readModel.table("seen") + " (event_id, schema_version) VALUES (?, ?)");
    return new Batch() {
      @Override
      public void apply(ReceivedEvent event) throws SQLException {
        if (applies.incrementAndGet() == crashAtApply.get()) {
          throw new Crash();
        }
        onApply.run();
        AtomicInteger remaining = failures.get(event.id());
        if (remaining != null && remaining.getAndDecrement() > 0) {
          throw new IllegalStateException("cannot handle event " + event.id());
        }
        insert.setString(1, event.id());
        insert.setInt(2, schemaVersion);
        insert.executeUpdate();
      }

      @Override
      public void close() throws SQLException {
        insert.close();
      }
    };
  }
}
