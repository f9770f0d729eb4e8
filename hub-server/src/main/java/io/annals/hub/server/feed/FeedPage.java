package io.annals.hub.server.feed;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.Position;
import java.time.Instant;
import java.util.List;

/**
 * One page of the feed.
 *
 * @param events in {@code (received_at, id)} order, all strictly after the request's cursor and below {@code stableUntil}
 * @param next where the next read continues; null means the start of history (only when the
 *     request started there and the page is empty)
 * @param stableUntil the stable point the page was read below
 */
public record FeedPage(List<StoredEvent> events, Position next, Instant stableUntil) {

  public FeedPage {
    events = List.copyOf(events);
  }
}
