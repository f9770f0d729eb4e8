package io.annals.hub.server.schema;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.Position;
import java.util.List;

/**
 * The stored events of one {@code (service, type)}, newest first, read in keyset pages straight
 * from the store: what a schema registration checks and where the catalog takes its sample.
 */
public interface TypeHistory {

  /**
   * Events of {@code service} and {@code type} in descending {@code (received_at, id)} order,
   * strictly before {@code before} (null = from the newest), at most {@code limit}.
   */
  List<StoredEvent> newestFirst(String service, String type, Position before, int limit);
}
