package io.annals.hub.server.store.mongo;

import io.annals.hub.server.store.AdapterUnderTest;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.StoreFixture;
import java.nio.file.Path;

/**
 * The MongoDB store for the port contracts on real MongoDB ({@link RealMongo}), started when the
 * first test of a contract class needs it and stopped after the class; a database per test.
 * Without Docker each test is skipped, and says so.
 */
public final class RealMongoUnderTest implements AdapterUnderTest {

  private RealMongo mongo;
  private int databases;

  @Override
  public StoreFixture fixture(Path tempDir) {
    if (mongo == null) {
      mongo = RealMongo.start();
    }
    String connectionString = mongo.connectionString();
    return new MongoFixture(connectionString, "hub_contract_" + ++databases) {
      private boolean paused;

      @Override
      public void makeUnreachable(Store store) {
        mongo.pause();
        paused = true;
      }

      @Override
      public void close() {
        if (paused) {
          mongo.unpause();
        }
      }
    };
  }

  @Override
  public void close() {
    if (mongo != null) {
      mongo.close();
    }
  }

  @Override
  public String toString() {
    return "real MongoDB (Testcontainers)";
  }
}
