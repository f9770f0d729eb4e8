package io.annals.hub.server.http;

import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.nio.file.Path;

/** The read side over HTTP on the embedded SQLite store. */
class SqliteReadApiTest extends ReadApiContract {

  @Override
  Store newStore(Path dir) {
    return Store.of(SqliteEventStore.open(dir));
  }
}
