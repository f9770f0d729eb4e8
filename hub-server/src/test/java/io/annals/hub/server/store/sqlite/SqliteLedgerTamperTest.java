package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerTamperContract;
import io.annals.hub.server.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** Tampering with {@code events.db} through a JDBC connection of its own, as someone with the file could. */
class SqliteLedgerTamperTest extends LedgerTamperContract {

  @TempDir Path dir;

  @Override
  protected Store openStore() {
    return Store.of(SqliteEventStore.open(dir));
  }

  @Override
  protected Ledger openLedger(Store store) {
    return SqliteLedger.open(dir);
  }

  private void update(String sql, Object... values) {
    updateIn(SqliteEventStore.FILE_NAME, sql, values);
  }

  private void updateIn(String file, String sql, Object... values) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(file));
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        s.setObject(i + 1, values[i]);
      }
      if (s.executeUpdate() != 1) {
        throw new AssertionError("no row changed by " + sql);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected void setPayload(String id, String payloadJson) {
    update("UPDATE events SET payload = ? WHERE id = ?", payloadJson, id);
  }

  @Override
  protected void overwriteNode(int level, long index, byte[] hash) {
    updateIn(SqliteLedger.FILE_NAME, "UPDATE ledger_nodes SET hash = ? WHERE level = ? AND idx = ?", hash, level, index);
  }

  @Override
  protected void delete(String id) {
    update("DELETE FROM events WHERE id = ?", id);
  }

  @Override
  protected void setReceivedAt(String id, long epochMicros) {
    update("UPDATE events SET received_at = ? WHERE id = ?", epochMicros, id);
  }
}
