package io.annals.hub.server.erasure;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.ErasureRecord;
import io.annals.hub.server.store.Erasures;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.Position;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * The event log as ingestion writes it: an event that a recorded erasure names is stored with the
 * erased members already replaced by markers, so a restored backup, an import or a producer's
 * late first delivery never writes the value to the store. One look-up of the batch's ids in the
 * erasure log per append.
 *
 * <p>Appends hold the read side of {@code gate}; an erasure holds the write side while it records
 * and rewrites, so that an event cannot slip into the store between the erasure's record and its
 * rewrite (on one instance; see docs/erasure.md for several instances on MongoDB).
 */
public final class ErasingEventLog implements EventLog {

  private final EventLog log;
  private final Erasures erasures;
  private final Clock clock;
  private final ReadWriteLock gate;

  public ErasingEventLog(EventLog log, Erasures erasures, Clock clock, ReadWriteLock gate) {
    this.log = log;
    this.erasures = erasures;
    this.clock = clock;
    this.gate = gate;
  }

  @Override
  public List<AppendResult> append(List<StoredEvent> events) {
    return append(events, () -> null);
  }

  @Override
  public List<AppendResult> append(List<StoredEvent> events,
      java.util.function.Supplier<io.annals.hub.server.store.InstanceWatermark> publication) {
    gate.readLock().lock();
    try {
      Set<String> ids = new HashSet<>();
      events.forEach(e -> ids.add(e.id()));
      List<ErasureRecord> named = erasures.naming(ids);
      if (named.isEmpty()) {
        return log.append(events, publication);
      }
      List<StoredEvent> erased = new ArrayList<>(events.size());
      Instant now = clock.instant();
      for (StoredEvent e : events) {
        erased.add(erase(e, named, now));
      }
      return log.append(erased, publication);
    } finally {
      gate.readLock().unlock();
    }
  }

  private static StoredEvent erase(StoredEvent stored, List<ErasureRecord> named, Instant now) {
    Event e = stored.event();
    String payload = e.payloadJson();
    for (ErasureRecord r : named) {
      if (r.eventIds().contains(e.id())) {
        payload = ErasedPayloads.erase(payload, r.wholePayload() ? null : ErasureService.memberNames(r.pointers()), r.erasureId(), now, null)
            .payloadJson();
      }
    }
    if (payload.equals(e.payloadJson())) {
      return stored;
    }
    return new StoredEvent(new Event(e.id(), e.service(), e.type(), e.createdAt(), e.aggregateId(), e.correlationId(), payload,
        e.extensions()), stored.receivedAt());
  }

  @Override
  public Optional<StoredEvent> find(String id) {
    return log.find(id);
  }

  @Override
  public List<StoredEvent> query(EventFilter filter, Position after, int limit) {
    return log.query(filter, after, limit);
  }

  @Override
  public List<StoredEvent> aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit) {
    return log.aggregateHistory(aggregateId, asOf, after, limit);
  }
}
