package io.annals.projections.support;

import io.annals.hub.client.FeedLag;
import io.annals.hub.client.FeedPage;
import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.runtime.FeedSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double of the hub's feed over an in-memory list: events in {@code (received_at, id)}
 * order, the cursor is the position after the last event returned, every event is stable.
 * Only for unit tests (runtime, reports, CLI); the integration tests in {@code it} read a real hub.
 */
public final class ListFeedSource implements FeedSource {

  private final List<ReceivedEvent> events = new CopyOnWriteArrayList<>();
  private int reads;

  public ListFeedSource(List<ReceivedEvent> initial) {
    append(initial);
  }

  /** Adds events; they must not sort before events already there (the feed's stable point). */
  public synchronized void append(List<ReceivedEvent> more) {
    List<ReceivedEvent> sorted = new ArrayList<>(more);
    sorted.sort(Comparator.comparing(ReceivedEvent::receivedAt).thenComparing(ReceivedEvent::id));
    events.addAll(sorted);
  }

  /** Replaces the event with the same id where it stands, as the hub's feed serves an event after an erasure. */
  public synchronized void replace(ReceivedEvent event) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).id().equals(event.id())) {
        events.set(i, event);
        return;
      }
    }
    throw new IllegalArgumentException("no event " + event.id() + " in the feed");
  }

  public synchronized int reads() {
    return reads;
  }

  @Override
  public synchronized FeedPage read(String after, Set<String> types, int limit) {
    reads++;
    int position = after == null ? 0 : Integer.parseInt(after);
    List<ReceivedEvent> page = new ArrayList<>();
    int i = position;
    for (; i < events.size() && page.size() < limit; i++) {
      if (types.isEmpty() || types.contains(events.get(i).type())) {
        page.add(events.get(i));
      }
    }
    return new FeedPage(List.copyOf(page), Integer.toString(i), stableUntil());
  }

  @Override
  public synchronized FeedLag lag(String after, Set<String> types) {
    int position = after == null ? 0 : Integer.parseInt(after);
    long count = 0;
    Instant oldest = null;
    for (int i = position; i < events.size(); i++) {
      if (types.isEmpty() || types.contains(events.get(i).type())) {
        count++;
        if (oldest == null) {
          oldest = events.get(i).receivedAt();
        }
      }
    }
    return new FeedLag(count, oldest, stableUntil());
  }

  private Instant stableUntil() {
    return events.isEmpty() ? Instant.EPOCH : events.get(events.size() - 1).receivedAt().plusNanos(1000);
  }
}
