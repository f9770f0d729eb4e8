package io.annals.hub.server.store;

import io.annals.hub.server.event.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the projection feed reads: events in {@code (received_at, id)} order below a stable point,
 * and how many there are. Errors, precision and limits as every storage port ({@link
 * io.annals.hub.server.store package}).
 */
public interface FeedSource {

  /**
   * The feed: events whose type is in {@code types} (empty = all types), in
   * {@code (received_at, id)} order, strictly after {@code after} (null = from the start) and with
   * {@code received_at} strictly before {@code stableBefore} (required), at most {@code limit}.
   */
  List<StoredEvent> feed(Set<String> types, Position after, Instant stableBefore, int limit);

  /**
   * How many events {@link #feed} would return without a limit: those whose type is in
   * {@code types} (empty = all types), strictly after {@code after} (null = from the start) and with
   * {@code received_at} strictly before {@code stableBefore}. Counted from an index (no event is
   * read), so its cost grows with the count, not with the size of the history.
   */
  long countFeed(Set<String> types, Position after, Instant stableBefore);
}
