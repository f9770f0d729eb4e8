package io.annals.hub.server;

import io.annals.hub.server.store.Erasures;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.MongoErasures;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.sqlite.SqliteEventStore;

/** The erasure port of an opened store: beside the events, in the same file or database. */
public final class Erasure {

  private Erasure() {}

  public static Erasures port(Store rawStore) {
    if (rawStore.resources() instanceof MongoEventStore mongo) {
      return new MongoErasures(mongo.database());
    }
    if (rawStore.resources() instanceof SqliteEventStore sqlite) {
      return sqlite.erasures();
    }
    return new Unsupported(rawStore.resources().getClass().getName());
  }

  /**
   * A store that is neither adapter (a test's wrapper around one): its erasure log is empty and
   * stays so: no event is erased at ingestion, and an erasure request fails as the store being
   * unavailable.
   */
  private record Unsupported(String store) implements Erasures {
    private io.annals.hub.server.store.StoreUnavailableException unsupported() {
      return new io.annals.hub.server.store.StoreUnavailableException("the store " + store + " keeps no erasure log", null);
    }

    @Override
    public Recorded record(io.annals.hub.server.store.ErasureRecord erasure) {
      throw unsupported();
    }

    @Override
    public java.util.Optional<io.annals.hub.server.store.ErasureRecord> find(String erasureId) {
      return java.util.Optional.empty();
    }

    @Override
    public java.util.List<io.annals.hub.server.store.ErasureRecord> list(io.annals.hub.server.store.ErasureRecord.Position after, int limit) {
      return java.util.List.of();
    }

    @Override
    public java.util.List<io.annals.hub.server.store.ErasureRecord> naming(java.util.Collection<String> eventIds) {
      return java.util.List.of();
    }

    @Override
    public int rewritePayloads(java.util.Map<String, String> payloads) {
      throw unsupported();
    }
  }
}
