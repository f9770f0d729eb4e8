package io.annals.hub.server.store.mongo;

import de.bwaldvogel.mongo.MongoServer;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A mongo-java-server (an in-JVM MongoDB wire-protocol test double, answering {@code hello} as
 * MongoDB does) for the tests of one class: {@code @RegisterExtension static InJvmMongo mongo = new InJvmMongo();}.
 */
public final class InJvmMongo implements BeforeAllCallback, AfterAllCallback {

  private MongoServer server;
  private String uri;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = new MongoServer(new HelloBackend());
    uri = server.bindAndGetConnectionString();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.shutdownNow();
  }

  /** The server's connection string, for a hub in a child process. */
  public String uri() {
    return uri;
  }

  /** A store on a database of its own, named {@code prefix} and a random suffix. */
  public MongoEventStore newStore(String prefix) {
    return store(prefix + "-" + UUID.randomUUID());
  }

  /** A store on this database, which other stores (other hub instances) may share. */
  public MongoEventStore store(String database) {
    return MongoEventStore.connect(uri, database);
  }
}
