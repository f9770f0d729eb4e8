package io.annals.hub.client;

import java.time.Instant;
import java.util.List;

/**
 * One page of the hub's feed. {@code next} is the cursor to pass as {@code after} for the next
 * page (never null: an empty page returns a cursor at the stable point); {@code stableUntil} is
 * the hub's stable point for this page: no event can later appear before it.
 */
public record FeedPage(List<ReceivedEvent> events, String next, Instant stableUntil) {

  /**
   * True when the page was cut by the limit, so more events are available at once.
   *
   * @param limit the limit the page was read with
   * @return true when the page holds {@code limit} events or more
   */
  public boolean full(int limit) {
    return events.size() >= limit;
  }
}
