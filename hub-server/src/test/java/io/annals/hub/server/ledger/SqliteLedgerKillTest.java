package io.annals.hub.server.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;

/** The ledger's SIGKILL case on the embedded store (SQLite {@code events.db} and {@code ledger.db}). */
class SqliteLedgerKillTest extends LedgerKillContract {

  @Override
  List<String> storeArgs() {
    return List.of();
  }

  @Override
  int storedEvents() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("events.db"));
        ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM events")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
