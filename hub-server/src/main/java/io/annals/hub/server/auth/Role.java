package io.annals.hub.server.auth;

import java.util.Locale;
import java.util.Optional;

/** What an API key may do; see {@link Authorizer} for the table of operations per role. */
public enum Role {
  /** Writes events ({@code POST /events}), and only for the {@code meta.service} names bound to its key. */
  PRODUCER,
  /** Reads: the query API, aggregate histories, the feed and metrics. Never writes. */
  READER,
  /** Everything a producer and a reader may do, for every service. */
  ADMIN;

  /** The lower-case name used in the keys file, e.g. {@code "producer"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role whose {@link #wireName()} is {@code text} exactly, or empty. */
  public static Optional<Role> fromWireName(String text) {
    for (Role role : values()) {
      if (role.wireName().equals(text)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
