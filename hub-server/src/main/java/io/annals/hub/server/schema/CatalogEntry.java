package io.annals.hub.server.schema;

import java.time.Instant;
import java.util.Objects;

/**
 * What the store has counted of one {@code (service, type)}: kept current by every append, at a
 * constant cost per event (never by a scan).
 *
 * @param lastHour events received in the last 60 whole minutes (minute buckets)
 */
public record CatalogEntry(String service, String type, long count, Instant firstReceivedAt, Instant lastReceivedAt,
    long lastHour) {

  public CatalogEntry {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(type, "type");
  }
}
