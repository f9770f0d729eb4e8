package io.annals.hub.server.store.mongo;

import de.bwaldvogel.mongo.MongoServer;
import io.annals.hub.server.store.AdapterUnderTest;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.StoreFixture;
import java.nio.file.Path;

/**
 * The MongoDB store for the port contracts on mongo-java-server, an in-JVM MongoDB wire-protocol
 * server (a test double of MongoDB, not a store): one server for a contract class, a database per
 * test; a test that stops the server leaves the next test a new one.
 */
public final class InJvmMongoUnderTest implements AdapterUnderTest {

  private MongoServer server;
  private String connectionString;
  private int databases;

  @Override
  public StoreFixture fixture(Path tempDir) {
    if (server == null) {
      server = new MongoServer(new HelloBackend());
      connectionString = server.bindAndGetConnectionString();
    }
    return new MongoFixture(connectionString, "hub_contract_" + ++databases) {
      @Override
      public void makeUnreachable(Store store) {
        InJvmMongoUnderTest.this.close();
      }

      @Override
      public void close() {
        // The database stays on the server, which the next test shares; each test has its own.
      }
    };
  }

  @Override
  public void close() {
    if (server != null) {
      server.shutdownNow();
      server = null;
    }
  }

  @Override
  public String toString() {
    return "MongoDB wire protocol in the JVM (mongo-java-server)";
  }
}
