package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerContract;
import io.annals.hub.server.store.EventStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteLedgerTest extends LedgerContract {

  @TempDir Path dir;

  @Override
  protected EventStore openStore() {
    return SqliteEventStore.open(dir);
  }

  @Override
  protected boolean sharedByInstances() {
    return false;
  }

  @Override
  protected Ledger openLedger(EventStore store) {
    return SqliteLedger.open(dir);
  }
}
