package io.annals.hub.server.store.mongo;

import static io.annals.hub.server.store.TestEvents.T0;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.StoreUnavailableException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MongoDB store on mongo-java-server, an in-JVM MongoDB wire-protocol server (a test double of
 * MongoDB, not a store): what {@link MongoEventStoreContract} asks, plus outage and clock behaviour
 * that needs a server we can stop and skew (the port contracts run there too, through
 * {@link InJvmMongoUnderTest}).
 * Its backend answers {@code hello} as MongoDB does (see {@link HelloBackend}), except in the test
 * of the fallback to the local clock.
 */
class InJvmMongoEventStoreTest extends MongoEventStoreContract {

  private static MongoServer server;
  private static String connectionString;

  @BeforeAll
  static void start_the_server() {
    server = new MongoServer(new HelloBackend());
    connectionString = server.bindAndGetConnectionString();
  }

  @AfterAll
  static void stop_the_server() {
    server.shutdownNow();
  }

  @Override
  protected String connectionString() {
    return connectionString;
  }

  @Test
  @Timeout(60) // a guard against a hang, which is what this test is about; not a performance bound
  void a_stopped_server_makes_the_store_unavailable_and_after_a_restart_nothing_is_lost() {
    // Given a store on its own server whose data outlives the process, like mongod's files
    HelloBackend backend = new HelloBackend(Clock.systemUTC(), true);
    MongoServer first = new MongoServer(backend);
    InetSocketAddress address = first.bind();
    String uri = "mongodb://" + address.getHostString() + ":" + address.getPort();
    try (MongoEventStore mongo = MongoEventStore.builder(uri, "outage")
        .serverSelectionTimeout(Duration.ofMillis(500))
        .connectTimeout(Duration.ofMillis(500))
        .socketTimeout(Duration.ofSeconds(1))
        .connect()) {
      StoredEvent before = anEvent(1).build();
      mongo.append(List.of(before));

      // When the server stops
      first.shutdownNow();

      // Then every operation reports the store unavailable instead of hanging
      assertThatThrownBy(() -> mongo.append(List.of(anEvent(2).build())))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("append of 1 event(s) failed");
      assertThatThrownBy(() -> mongo.find(id(1)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("find of event " + id(1));
      assertThatThrownBy(mongo::ping).isInstanceOf(StoreUnavailableException.class);

      // When it is started again on the same port with the same data
      MongoServer second = new MongoServer(backend);
      second.bind(address.getHostString(), address.getPort());
      try {
        // Then, once the driver has found the server again (its monitor retries every 500 ms;
        // on a loaded machine the first selection may still time out), appends work again,
        // and what was acknowledged before is still there
        awaitReachable(mongo);
        assertThat(mongo.append(List.of(anEvent(2).build()))).extracting(AppendResult::outcome).containsExactly(Outcome.CREATED);
        assertThat(mongo.find(id(1))).contains(before);
        assertThat(mongo.append(List.of(before))).containsExactly(new AppendResult(Outcome.DUPLICATE, before));
      } finally {
        second.shutdownNow();
      }
    }
  }

  @Test
  void without_local_time_in_hello_the_clock_falls_back_to_the_local_clock() {
    // Given a server whose clock is an hour ahead, but which (like plain mongo-java-server) does not answer hello
    MongoServer skewed = new MongoServer(new MemoryBackend(Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC)));
    try (MongoEventStore mongo = MongoEventStore.builder(skewed.bindAndGetConnectionString(), "clock")
        .clock(Clock.fixed(T0, ZoneOffset.UTC))
        .connect()) {
      // Then the store's clock is the local one
      assertThat(mongo.clockFollowsServer()).isFalse();
      assertThat(mongo.clock()).isEqualTo(T0);
    } finally {
      skewed.shutdownNow();
    }
  }

  @Test
  void with_local_time_in_hello_the_clock_follows_the_server() {
    // Given a server that answers hello with its localTime, an hour ahead of the local clock
    MongoServer skewed = new MongoServer(new HelloBackend(Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC), false));
    try (MongoEventStore mongo = MongoEventStore.builder(skewed.bindAndGetConnectionString(), "clock")
        .clock(Clock.fixed(T0, ZoneOffset.UTC))
        .connect()) {
      // Then the store's clock is the server's (both clocks stand still here, so the round trip is 0)
      assertThat(mongo.clockFollowsServer()).isTrue();
      assertThat(mongo.clock()).isEqualTo(T0.plusSeconds(3600));
    } finally {
      skewed.shutdownNow();
    }
  }

  private static void awaitReachable(MongoEventStore mongo) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        mongo.ping();
        return;
      } catch (StoreUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }
}
