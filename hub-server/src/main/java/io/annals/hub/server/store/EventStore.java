package io.annals.hub.server.store;

import io.annals.hub.server.event.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The storage port. Events are immutable: nothing here updates or deletes a stored event.
 *
 * <p>Every method may throw {@link StoreUnavailableException} when the store does not answer
 * within the adapter's bounded timeouts (retryable: 503); adapters translate their driver's
 * exceptions at their edge, and anything not retryable (a bug, a corrupt file, a misconfiguration)
 * becomes an {@link IllegalStateException} with context. Implementations are thread-safe.
 *
 * <p>Times are stored at microsecond precision: digits below a microsecond are dropped (see
 * {@link EpochMicros}). A {@code limit} must be {@code >= 0}; 0 answers an empty list.
 */
public interface EventStore extends AutoCloseable {

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

  /** The stored event with this id, if any. */
  Optional<StoredEvent> find(String id);

  /** Events matching the filter in {@code (received_at, id)} order, strictly after {@code after} (null = from the start), at most {@code limit}. */
  List<StoredEvent> query(EventFilter filter, Position after, int limit);

  /**
   * One aggregate's events with {@code created_at <= asOf} (null = no bound), in
   * {@code (created_at, received_at, id)} order, strictly after {@code after} (null = from the start).
   */
  List<StoredEvent> aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit);

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

  /**
   * Publishes (upserts) this instance's watermark so that other instances' feeds can respect it,
   * and raises the store's {@link #clockHighMark} to its heartbeat, in one write.
   */
  void publishWatermark(InstanceWatermark watermark);

  /** All published instance watermarks. */
  List<InstanceWatermark> watermarks();

  /** Removes an instance's watermark (graceful shutdown: it will write nothing more). */
  void retireInstance(String instanceId);

  /**
   * The store's own clock, so that every hub instance stamps {@code received_at} from one clock
   * where the store offers one (MongoDB's server time, estimated without a round trip per call);
   * the embedded store returns the local clock. Microsecond precision, cheap. It steps back when
   * the clock behind it does (an NTP step, a restored VM): the hub's ReceivedAtClock makes
   * {@code received_at} monotonic, and needs to see the step to keep moving past it.
   */
  Instant clock();

  /**
   * Capability: store clock (with {@link #clock()}). The highest time this store's history has
   * made visible: the newest stored event's {@code received_at} or the highest heartbeat any hub
   * instance ever published (kept when the instance retires), whichever is later; null for a new
   * store. {@link #publishWatermark} raises it. A starting hub floors its {@code received_at}
   * clock above it, so that it never stamps at or below a time it handed out before a restart,
   * whatever the wall clock says then.
   */
  Instant clockHighMark();

  /** Throws {@link StoreUnavailableException} unless the store answers now. */
  void ping();

  @Override
  void close();
}
