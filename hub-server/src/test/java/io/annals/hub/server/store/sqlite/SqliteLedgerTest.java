package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerContract;
import io.annals.hub.server.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteLedgerTest extends LedgerContract {

  @TempDir Path dir;

  @Override
  protected Store openStore() {
    return Store.of(SqliteEventStore.open(dir));
  }

  @Override
  protected boolean sharedByInstances() {
    return false;
  }

  @Override
  protected Ledger openLedger(Store store) {
    return SqliteLedger.open(dir);
  }
}
