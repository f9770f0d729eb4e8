package io.annals.hub.server.store.mongo;

import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.StoreFixture;
import java.time.Duration;

/** One test's database on a MongoDB server; subclasses say how the server stops answering. */
abstract class MongoFixture implements StoreFixture {

  private final String connectionString;
  private final String database;

  MongoFixture(String connectionString, String database) {
    this.connectionString = connectionString;
    this.database = database;
  }

  @Override
  public Store open() {
    return Store.of(MongoEventStoreContract.open(connectionString, database));
  }
}
