package io.annals.hub.server.http;

import io.annals.hub.server.store.EventStore;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.nio.file.Path;

/** The HTTP contract on the embedded SQLite store. */
class SqliteEventApiTest extends EventApiContract {

  @Override
  EventStore newStore(Path dir) {
    return SqliteEventStore.open(dir);
  }
}
