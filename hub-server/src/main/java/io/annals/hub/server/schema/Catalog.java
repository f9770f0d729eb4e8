package io.annals.hub.server.schema;

import java.time.Instant;
import java.util.List;

/**
 * The catalog port: every {@code (service, type)} the store holds, with counts the adapter updates
 * as part of each append (the embedded store in the append's own transaction; MongoDB with
 * {@code $inc} upserts after the insert, reconciled when the store opens; docs/schemas.md).
 */
public interface Catalog {

  /** Every entry, ordered by service then type; {@code lastHour} counts minutes from {@code now} back. */
  List<CatalogEntry> entries(Instant now);
}
