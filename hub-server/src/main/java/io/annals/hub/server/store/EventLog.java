package io.annals.hub.server.store;

import io.annals.hub.server.event.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The event log: appends events and reads them back by id, by filter and by aggregate. Events are
 * immutable: nothing here updates or deletes a stored event. Errors, precision and limits as every
 * storage port ({@link io.annals.hub.server.store package}).
 */
public interface EventLog {

  /**
   * Stores the events durably in one write (group commit: one SQLite transaction, one MongoDB
   * {@code insertMany}) and returns one result per event, in order. Each event is stamped already;
   * an id that is already stored (or appears earlier in the same list) yields DUPLICATE when the
   * content other than {@code received_at} is identical ({@link
   * io.annals.hub.server.event.EventContent#sameContent}), CONFLICT otherwise, with the stored
   * event (and its original {@code received_at}) in the result; the stored event is left
   * unchanged. Returns only once the created events are durable (fsync / majority + journal).
   *
   * <p>When it throws, some events may have been stored nonetheless (MongoDB); a retry of the same
   * list is safe and answers DUPLICATE for those.
   */
  List<AppendResult> append(List<StoredEvent> events);

  /**
   * As {@link #append(List)}, and in the same write publishes the feed watermark that {@code
   * publication} supplies once the write holds the store ({@link InstanceRegistry#publishWatermark};
   * the supplier may answer null: nothing to publish). A heartbeat is only ever raised: a
   * publication whose heartbeat is not above the stored one leaves the row as it is. So the
   * instance's own feed can show a commit's events as soon as it returns, without waiting for the
   * next periodic publication and its own fsync. A store that cannot write both at once only
   * appends (this default), and the periodic publication covers the events.
   */
  default List<AppendResult> append(List<StoredEvent> events, java.util.function.Supplier<InstanceWatermark> publication) {
    return append(events);
  }

  /** The stored event with this id, if any. */
  Optional<StoredEvent> find(String id);

  /** Events matching the filter in {@code (received_at, id)} order, strictly after {@code after} (null = from the start), at most {@code limit}. */
  List<StoredEvent> query(EventFilter filter, Position after, int limit);

  /**
   * One aggregate's events with {@code created_at <= asOf} (null = no bound), in
   * {@code (created_at, received_at, id)} order, strictly after {@code after} (null = from the start).
   */
  List<StoredEvent> aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit);
}
