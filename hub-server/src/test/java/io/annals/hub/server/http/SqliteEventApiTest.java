package io.annals.hub.server.http;

import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.nio.file.Path;

/** The HTTP contract on the embedded SQLite store. */
class SqliteEventApiTest extends EventApiContract {

  @Override
  Store newStore(Path dir) {
    return Store.of(SqliteEventStore.open(dir));
  }
}
