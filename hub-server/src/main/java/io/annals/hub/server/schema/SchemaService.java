package io.annals.hub.server.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ingest.FieldError;
import io.annals.hub.server.ingest.SchemaGate;
import io.annals.hub.server.store.Position;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Payload schemas per type: registration checked against the stored history, the check at
 * ingestion (with compiled schemas cached), and the quarantine's hold.
 */
public final class SchemaService implements SchemaGate {

  /** Events read from the store per page while a registration checks the history. */
  static final int PAGE = 1000;
  /** Failures a refused registration reports: the first ones found, newest first. */
  public static final int MAX_FAILURES = 10;
  /**
   * How long a compiled schema (or "no schema") is used before the registry is asked again: a
   * registration on another hub instance sharing the store takes effect here within this time; on
   * this instance at once.
   */
  static final Duration CACHE_FOR = Duration.ofSeconds(5);

  private final SchemaStores stores;
  private final SchemaCompiler compiler = new SchemaCompiler();
  private final Clock clock;
  private final LongSupplier nanos;
  private final ConcurrentHashMap<List<String>, Cached> cache = new ConcurrentHashMap<>();
  /** Reads history pages ahead of the check; threads end when idle, so an idle hub holds none. */
  private final Executor reader = new ThreadPoolExecutor(0, 4, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
    Thread t = new Thread(r, "annals-schema-history");
    t.setDaemon(true);
    return t;
  }, new ThreadPoolExecutor.CallerRunsPolicy());

  /** A compiled version of a type's schema. */
  public record Compiled(SchemaVersion version, JsonSchema schema) {}

  private record Cached(Optional<Compiled> compiled, long loadedAtNanos) {}

  /** One stored event a schema would reject. */
  public record Failure(String eventId, List<FieldError> errors) {}

  /** What a registration did: the version stored, or why not. */
  public sealed interface Outcome {
    record Registered(SchemaVersion version) implements Outcome {}

    /** Stored events the schema rejects (the first {@link #MAX_FAILURES}), after {@code checked} events were read. */
    record Rejected(long checked, List<Failure> failures) implements Outcome {}
  }

  public SchemaService(SchemaStores stores, Clock clock, LongSupplier nanos) {
    this.stores = Objects.requireNonNull(stores, "stores");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanos = Objects.requireNonNull(nanos, "nanos");
  }

  public SchemaStores stores() {
    return stores;
  }

  /**
   * Registers {@code schema} as the next version of {@code (service, type)} if every stored event
   * of the type (or the newest {@code newest}, when not null) passes it.
   *
   * @throws SchemaRefusedException when the schema itself is refused
   */
  public Outcome register(String service, String type, JsonNode schema, SchemaMode mode, Long newest) {
    JsonSchema compiled = compiler.compile(schema);
    long limit = newest == null ? Long.MAX_VALUE : newest;
    long checked = 0;
    List<Failure> failures = new ArrayList<>();
    // The next page is read while this one is checked: reading and checking cost about the same.
    CompletableFuture<List<StoredEvent>> next = page(service, type, null, Math.min(PAGE, limit));
    while (true) {
      List<StoredEvent> page = join(next);
      long after = checked + page.size();
      if (page.size() == PAGE && after < limit) {
        StoredEvent last = page.get(page.size() - 1);
        next = page(service, type, new Position(last.receivedAt(), last.id()), Math.min(PAGE, limit - after));
      } else {
        next = null;
      }
      for (StoredEvent e : page) {
        checked++;
        List<FieldError> errors = compiler.check(compiled, SchemaCompiler.parse(e.event().payloadJson()), "/payload");
        if (!errors.isEmpty()) {
          failures.add(new Failure(e.id(), errors));
          if (failures.size() >= MAX_FAILURES) {
            if (next != null) {
              next.cancel(false);
            }
            return new Outcome.Rejected(checked, failures);
          }
        }
      }
      if (next == null) {
        break;
      }
    }
    if (!failures.isEmpty()) {
      return new Outcome.Rejected(checked, failures);
    }
    // Numbered as the registry stands now; a concurrent registration that took the number makes us take the next.
    while (true) {
      int number = stores.registry().latest(service, type).map(SchemaVersion::version).orElse(0) + 1;
      SchemaVersion version = new SchemaVersion(service, type, number, mode, schema.toString(), clock.instant(), checked);
      if (stores.registry().register(version)) {
        cache.put(List.of(service, type), new Cached(Optional.of(new Compiled(version, compiled)), nanos.getAsLong()));
        return new Outcome.Registered(version);
      }
    }
  }

  private CompletableFuture<List<StoredEvent>> page(String service, String type, Position before, long limit) {
    return CompletableFuture.supplyAsync(() -> stores.history().newestFirst(service, type, before, (int) limit), reader);
  }

  /** The page, or the store's exception as thrown by the store (unavailable, corrupt). */
  private static List<StoredEvent> join(CompletableFuture<List<StoredEvent>> page) {
    try {
      return page.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** The latest version of the type's schema, compiled, if any (cached for {@link #CACHE_FOR}). */
  public Optional<Compiled> current(String service, String type) {
    List<String> key = List.of(service, type);
    long now = nanos.getAsLong();
    Cached cached = cache.get(key);
    if (cached == null || now - cached.loadedAtNanos() > CACHE_FOR.toNanos()) {
      Optional<Compiled> latest = stores.registry().latest(service, type)
          .map(v -> new Compiled(v, compiler.compile(SchemaCompiler.parse(v.schemaJson()))));
      cached = new Cached(latest, now);
      cache.put(key, cached);
    }
    return cached.compiled();
  }

  /** The payload's failures against the current schema of its type (pointers relative to the payload); empty if none or no schema. */
  public List<FieldError> failures(Event event) {
    return current(event.service(), event.type())
        .map(c -> compiler.check(c.schema(), SchemaCompiler.parse(event.payloadJson()), ""))
        .orElse(List.of());
  }

  @Override
  public Rejection check(Event event) {
    Optional<Compiled> compiled = current(event.service(), event.type());
    if (compiled.isEmpty()) {
      return null;
    }
    List<FieldError> errors = compiler.check(compiled.get().schema(), SchemaCompiler.parse(event.payloadJson()), "");
    return errors.isEmpty() ? null
        : new Rejection(compiled.get().version().mode() == SchemaMode.QUARANTINE, compiled.get().version().version(), errors);
  }

  @Override
  public void quarantine(List<Event> events, List<Rejection> why) {
    List<QuarantinedEvent> held = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      held.add(QuarantinedEvent.held(events.get(i), clock.instant(), why.get(i).schemaVersion(), why.get(i).errors()));
    }
    stores.quarantine().hold(held);
  }
}
