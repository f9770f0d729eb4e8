package io.annals.hub.server.http;

import io.annals.hub.server.store.EventStore;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.nio.file.Path;

/** The read side over HTTP on the embedded SQLite store. */
class SqliteReadApiTest extends ReadApiContract {

  @Override
  EventStore newStore(Path dir) {
    return SqliteEventStore.open(dir);
  }
}
