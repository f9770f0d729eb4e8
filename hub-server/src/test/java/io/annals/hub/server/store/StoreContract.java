package io.annals.hub.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.mongo.InJvmMongoUnderTest;
import io.annals.hub.server.store.mongo.RealMongoUnderTest;
import io.annals.hub.server.store.sqlite.SqliteUnderTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every port contract shares: each contract class (one per storage port) runs once on every
 * adapter, and each of its tests starts on an empty store. {@link #reopen()} opens the same data
 * again (that is how durability across close and reopen is shown).
 *
 * <p>A new port gets a contract class of its own extending this one; a new adapter is one more
 * {@link AdapterUnderTest} in {@link #adapters()}.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.annals.hub.server.store.StoreContract#adapters")
public abstract class StoreContract {

  @Parameter AdapterUnderTest adapter;
  @TempDir Path tempDir;

  private StoreFixture fixture;
  protected Store store;

  /** The embedded store, MongoDB's wire protocol in the JVM, and real MongoDB (skipped, and said so, without Docker). */
  static Stream<AdapterUnderTest> adapters() {
    return Stream.of(new SqliteUnderTest(), new InJvmMongoUnderTest(), new RealMongoUnderTest());
  }

  @BeforeEach
  void open_the_store() {
    fixture = adapter.fixture(tempDir);
    store = fixture.open();
  }

  @AfterEach
  void close_the_store() {
    try {
      if (store != null) { // null when opening it failed or was skipped
        store.close();
      }
    } finally {
      if (fixture != null) {
        fixture.close();
      }
    }
  }

  protected void reopen() {
    store.close();
    store = fixture.open();
  }

  /** See {@link StoreFixture#makeUnreachable}. */
  protected void makeUnreachable() {
    fixture.makeUnreachable(store);
  }

  protected static List<String> ids(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::id).toList();
  }

  /** Follows keyset pages of {@code pageSize} to the end and returns every id seen, in order. */
  public static List<String> allPages(Function<Position, List<StoredEvent>> page, int pageSize) {
    List<String> seen = new ArrayList<>();
    Position after = null;
    while (true) {
      List<StoredEvent> events = page.apply(after);
      assertThat(events.size()).isLessThanOrEqualTo(pageSize);
      seen.addAll(ids(events));
      if (events.size() < pageSize) {
        return seen;
      }
      StoredEvent last = events.get(events.size() - 1);
      after = new Position(last.receivedAt(), last.id());
    }
  }
}
