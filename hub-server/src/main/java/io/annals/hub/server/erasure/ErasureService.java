package io.annals.hub.server.erasure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.auth.Principal;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ingest.GroupCommitter;
import io.annals.hub.server.ledger.LedgerLeaf;
import io.annals.hub.server.ledger.PayloadSalts;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.ErasureRecord;
import io.annals.hub.server.store.Erasures;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.Position;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erasure of personal data (docs/erasure.md): resolves what a request names, records the erasure,
 * rewrites the stored payloads (the values leave the store; the ledger's commitments stay), drops
 * the erased members' salts from their leaves, and appends an {@code annals}/{@code
 * erasure-applied} event to the feed, through the group committer like any event, so projections
 * erase their copies. Every erasure is an audit log line (logger {@code io.annals.hub.audit}) and
 * counts in {@code annals_hub_erasures_total}.
 */
public final class ErasureService {

  /** The hub's own service, whose events only the hub writes. */
  public static final String SERVICE = "annals";
  public static final String APPLIED_TYPE = "erasure-applied";
  private static final Logger AUDIT = LoggerFactory.getLogger("io.annals.hub.audit");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 1000;

  private final EventLog log;
  private final Erasures erasures;
  private final LedgerAccess ledger; // null when the ledger is off
  private final GroupCommitter committer;
  private final ReadWriteLock gate;
  private final Clock clock;
  private final Counter recordedCount;
  private final Counter erasedEvents;

  public ErasureService(EventLog log, Erasures erasures, LedgerAccess ledger, GroupCommitter committer, ReadWriteLock gate,
      Clock clock, MeterRegistry registry) {
    this.log = log;
    this.erasures = erasures;
    this.ledger = ledger;
    this.committer = committer;
    this.gate = gate;
    this.clock = clock;
    this.recordedCount = Counter.builder("annals.hub.erasures").description("erasures recorded (re-applied ones not counted again)")
        .register(registry);
    this.erasedEvents = Counter.builder("annals.hub.erased.events").description("stored events whose payload an erasure rewrote")
        .register(registry);
  }

  /**
   * What an erasure did: the record (new, or the one recorded before under the request's {@code
   * erasure_id}), the events it rewrote or found erased already ({@code applied}), and the ids no
   * event is stored under yet ({@code pending}: erased when they arrive).
   */
  public record Outcome(ErasureRecord record, boolean created, List<String> applied, List<String> pending) {}

  /** Erases what {@code request} names; throws ErasureRequestException (400) when it names nothing stored, or every event. */
  public Outcome erase(ErasureRequest request, Principal caller) {
    Instant now = EpochMicros.truncate(clock.instant());
    List<String> ids = resolve(request.selector());
    boolean reapplied = request.erasureId() != null && request.requestedAt() != null;
    if (!reapplied && everyEvent(ids)) {
      throw new ErasureRequestException("", "the request would erase every event in the store (" + ids.size()
          + "); erasure is for one person's data, not for emptying the history");
    }
    ErasureRecord candidate = new ErasureRecord(
        request.erasureId() != null ? request.erasureId() : UUID.randomUUID().toString(),
        request.requestedAt() != null ? request.requestedAt() : now,
        request.requestedBy() != null ? request.requestedBy() : caller.name(),
        request.reason(), request.pointers(), ids);
    Outcome outcome;
    gate.writeLock().lock();
    try {
      Erasures.Recorded recorded = erasures.record(candidate);
      ErasureRecord record = recorded.erasure();
      Applied applied = ledger == null ? apply(record, now) : ledger.withoutAppends(() -> apply(record, now));
      outcome = new Outcome(record, recorded.created(), applied.applied(), applied.pending());
    } finally {
      gate.writeLock().unlock();
    }
    // After the gate is released: the committer's append takes its read side.
    committer.append(List.of(appliedEvent(outcome.record())));
    if (outcome.created()) {
      recordedCount.increment();
    }
    AUDIT.info("erasure {} {} by key \"{}\" (requested by \"{}\" at {}): members {} of {} event(s), {} rewritten or erased before,"
            + " {} not stored yet; reason: {}",
        outcome.record().erasureId(), outcome.created() ? "recorded" : "applied again", caller.name(), outcome.record().requestedBy(),
        outcome.record().requestedAt(), outcome.record().wholePayload() ? "(whole payload)" : outcome.record().pointers(),
        ids.size(), outcome.applied().size(), outcome.pending().size(), outcome.record().reason());
    return outcome;
  }

  /**
   * Applies every recorded erasure again, and appends its erasure-applied event if missing: a hub
   * stopped (or killed) between an erasure's record and its rewrite, or before its feed event,
   * finishes it when it starts. Idempotent; reads each named event once. Answers how many stored
   * payloads it had to rewrite.
   */
  public int resume() {
    int rewritten = 0;
    List<Event> announced = new ArrayList<>();
    ErasureRecord.Position after = null;
    List<ErasureRecord> page;
    do {
      page = erasures.list(after, PAGE);
      for (ErasureRecord record : page) {
        Instant now = EpochMicros.truncate(clock.instant());
        Applied applied;
        gate.writeLock().lock();
        try {
          applied = ledger == null ? apply(record, now) : ledger.withoutAppends(() -> apply(record, now));
        } finally {
          gate.writeLock().unlock();
        }
        announced.add(appliedEvent(record));
        if (applied.rewritten() > 0) {
          AUDIT.info("erasure {} finished at start: {} stored payload(s) still held erased members and were rewritten",
              record.erasureId(), applied.rewritten());
          rewritten += applied.rewritten();
        }
        after = record.position();
      }
      if (!announced.isEmpty()) {
        committer.append(announced); // DUPLICATE for those appended before: one transaction per page
        announced.clear();
      }
    } while (page.size() == PAGE);
    return rewritten;
  }

  public Optional<ErasureRecord> find(String erasureId) {
    return erasures.find(erasureId);
  }

  public List<ErasureRecord> list(ErasureRecord.Position after, int limit) {
    return erasures.list(after, limit);
  }

  private record Applied(List<String> applied, List<String> pending, int rewritten) {}

  private Applied apply(ErasureRecord record, Instant now) {
    Set<String> names = record.wholePayload() ? null : memberNames(record.pointers());
    Map<String, String> payloads = new LinkedHashMap<>();
    Map<String, String> salts = new LinkedHashMap<>();
    List<String> applied = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (String id : record.eventIds()) {
      Optional<StoredEvent> stored = log.find(id);
      if (stored.isEmpty()) {
        pending.add(id);
        continue;
      }
      applied.add(id);
      Optional<LedgerLeaf> leaf = ledger == null ? Optional.empty() : ledger.leafOf(id);
      PayloadSalts before = leaf.map(l -> PayloadSalts.fromJson(l.saltsJson())).orElse(null);
      ErasedPayloads.Rewrite rewrite = ErasedPayloads.erase(stored.get().event().payloadJson(), names, record.erasureId(), now, before);
      if (!rewrite.changed()) {
        continue;
      }
      if (!rewrite.payloadJson().equals(stored.get().event().payloadJson())) {
        payloads.put(id, rewrite.payloadJson());
      }
      if (rewrite.salts() != null) {
        salts.put(id, rewrite.salts().toJson());
      }
    }
    // The payload first: its markers carry the digests, so the leaf verifies before and after the salts go.
    erasures.rewritePayloads(payloads);
    salts.forEach(ledger::replaceSalts);
    erasedEvents.increment(payloads.size());
    return new Applied(applied, pending, payloads.size() + salts.size());
  }

  /** The events the selector names: the ids as given, or the stored events of an aggregate or correlation id. */
  private List<String> resolve(ErasureRequest.Selector selector) {
    if (selector instanceof ErasureRequest.Ids ids) {
      return ids.ids();
    }
    Set<String> found = new LinkedHashSet<>();
    String field;
    if (selector instanceof ErasureRequest.Aggregate a) {
      field = "/aggregate_id";
      AggregatePosition after = null;
      List<StoredEvent> page;
      do {
        page = log.aggregateHistory(a.aggregateId(), null, after, PAGE);
        addDomainEvents(page, found, field);
        if (!page.isEmpty()) {
          StoredEvent last = page.get(page.size() - 1);
          after = new AggregatePosition(last.event().createdAt(), last.receivedAt(), last.id());
        }
      } while (page.size() == PAGE);
    } else {
      ErasureRequest.Correlation c = (ErasureRequest.Correlation) selector;
      field = "/correlation_id";
      Position after = null;
      List<StoredEvent> page;
      do {
        page = log.query(new EventFilter(null, null, null, c.correlationId(), null, null), after, PAGE);
        addDomainEvents(page, found, field);
        if (!page.isEmpty()) {
          StoredEvent last = page.get(page.size() - 1);
          after = new Position(last.receivedAt(), last.id());
        }
      } while (page.size() == PAGE);
    }
    if (found.isEmpty()) {
      throw new ErasureRequestException(field, "names no stored event: nothing to erase");
    }
    return List.copyOf(found);
  }

  private static void addDomainEvents(List<StoredEvent> page, Set<String> found, String field) {
    for (StoredEvent e : page) {
      if (!SERVICE.equals(e.event().service())) {
        found.add(e.id());
      }
    }
    if (found.size() > ErasureRequest.MAX_EVENTS) {
      throw new ErasureRequestException(field, "names more than " + ErasureRequest.MAX_EVENTS
          + " events; erase by event ids in several requests");
    }
  }

  /**
   * True when the events named are every event of the store (the hub's own aside), and there is at
   * least one. Reads at most the named events plus the hub's own before it finds one not named.
   */
  private boolean everyEvent(List<String> ids) {
    Set<String> named = Set.copyOf(ids);
    Position after = null;
    boolean any = false;
    List<StoredEvent> page;
    do {
      page = log.query(EventFilter.none(), after, PAGE);
      for (StoredEvent e : page) {
        if (SERVICE.equals(e.event().service())) {
          continue;
        }
        if (!named.contains(e.id())) {
          return false;
        }
        any = true;
      }
      if (!page.isEmpty()) {
        StoredEvent last = page.get(page.size() - 1);
        after = new Position(last.receivedAt(), last.id());
      }
    } while (page.size() == PAGE);
    return any;
  }

  /**
   * The feed's record of an erasure: ids and member pointers, never values (nor the reason, which
   * may say more than it should). Its id derives from the erasure's, so applying an erasure again
   * appends nothing new (DUPLICATE).
   */
  static Event appliedEvent(ErasureRecord record) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("erasure_id", record.erasureId());
    ArrayNode ids = payload.putArray("event_ids");
    record.eventIds().forEach(ids::add);
    if (record.wholePayload()) {
      payload.putNull("pointers");
    } else {
      ArrayNode pointers = payload.putArray("pointers");
      record.pointers().forEach(pointers::add);
    }
    String id = UUID.nameUUIDFromBytes(("annals erasure-applied " + record.erasureId()).getBytes(StandardCharsets.UTF_8)).toString();
    return new Event(id, SERVICE, APPLIED_TYPE, record.requestedAt(), "erasure/" + record.erasureId(), null, payload.toString());
  }

  /** The member names of top-level pointers (JSON pointer escapes resolved). */
  static Set<String> memberNames(List<String> pointers) {
    Set<String> names = new LinkedHashSet<>();
    for (String p : pointers) {
      String name = ErasureRequest.memberName(p);
      if (name != null) {
        names.add(name);
      }
    }
    return names;
  }
}
