package io.annals.hub.server.schema;

import java.util.Objects;

/**
 * The schema, quarantine, catalog and type-history ports of one store. Both adapters keep them
 * beside their events (the catalog has to: each append counts into it); a component of
 * {@link io.annals.hub.server.store.Store}.
 */
public record SchemaStores(SchemaRegistry registry, Quarantine quarantine, Catalog catalog, TypeHistory history) {

  public SchemaStores {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(quarantine, "quarantine");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(history, "history");
  }
}
