package io.annals.hub.server.config;

import java.util.Locale;

/** Which storage adapter the hub runs on ({@code HUB_STORE}). */
public enum StoreKind {
  /** SQLite in {@code HUB_DATA_DIR}: single node, no set-up; the default. */
  EMBEDDED,
  /** MongoDB at {@code HUB_MONGODB_URI}: the production store, shared by several hub instances. */
  MONGODB;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
