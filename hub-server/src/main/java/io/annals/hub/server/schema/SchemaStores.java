package io.annals.hub.server.schema;

import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.util.Objects;
import java.util.Optional;

/**
 * The schema, quarantine, catalog and type-history ports of one store. Both adapters keep them
 * beside their events (the catalog has to: each append counts into it), so they come from the
 * adapter that {@link Store#resources()} holds.
 */
public record SchemaStores(SchemaRegistry registry, Quarantine quarantine, Catalog catalog, TypeHistory history) {

  public SchemaStores {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(quarantine, "quarantine");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(history, "history");
  }

  /**
   * The ports of the adapter behind {@code store}; empty for a store that is neither adapter (a
   * test's wrapper), where the hub then runs without schemas.
   */
  public static Optional<SchemaStores> find(Store store) {
    if (store.resources() instanceof Store wrapped) {
      return find(wrapped); // a decorator's: the adapter is further in
    }
    if (store.resources() instanceof SqliteEventStore sqlite) {
      var s = sqlite.schemas();
      return Optional.of(new SchemaStores(s, s, s, s));
    }
    if (store.resources() instanceof MongoEventStore mongo) {
      var s = mongo.schemas();
      return Optional.of(new SchemaStores(s, s, s, s));
    }
    return Optional.empty();
  }
}
