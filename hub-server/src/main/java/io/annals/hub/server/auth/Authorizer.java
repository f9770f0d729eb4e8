package io.annals.hub.server.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who may call what: the endpoint-by-role table, and the per-event rule that a producer writes only
 * for the services bound to its key. Pure functions of their arguments.
 *
 * <pre>
 * operation                                  producer  reader  admin   no key
 * POST /events                               yes (1)   -       yes     -
 * GET /events/{id}, GET /events,
 * GET /aggregates/{aggregate_id}/events,
 * GET /feed, GET /feed/lag                   -         yes     yes     -
 * GET /metrics                               -         yes     yes     -
 * GET /ledger/*                              -         yes     yes     -
 * GET /schemas, GET /schemas/{s}/{t}[/{v}],
 * GET /catalog                               -         yes     yes     -
 * PUT /schemas/{s}/{t}, GET /quarantine,
 * POST /quarantine/release, /quarantine/drop -         -       yes     -
 * GET /health/live, GET /health/ready        open to everyone, without a key
 * GET /openapi.json                          open to everyone, without a key
 * POST /erasures, GET /erasures,
 * GET /erasures/{id}                         -         -       yes     -
 * GET /console, GET /console/{file}          open to everyone, without a key (the page shows no data without one)
 * (1) each event only if its meta.service is bound to the key, and never for the hub's own
 *     service {@code annals}: {@link #mayPublish}
 * </pre>
 *
 * <p>A producer cannot read, not even its own events: a leaked producer key must not expose the
 * history. {@code /metrics} needs a reader key (Prometheus scrapes with one): it shows event counts
 * per service and type, which a reader may see anyway, and nothing an anonymous caller should.
 */
public final class Authorizer {

  private static final Set<Role> WRITERS = Set.of(Role.PRODUCER, Role.ADMIN);
  private static final Set<Role> READERS = Set.of(Role.READER, Role.ADMIN);
  private static final Set<Role> ADMINS = Set.of(Role.ADMIN);
  private static final Set<Role> EVERYONE = Set.of(Role.values());
  /** The hub's own service ({@code erasure-applied} events): nobody else writes to it. */
  static final String HUB_SERVICE = "annals";

  private Authorizer() {}

  /**
   * The roles that may call {@code operation}. Written as an exhaustive switch so that a new
   * operation cannot compile without a decision here.
   */
  public static Set<Role> rolesFor(Operation operation) {
    return switch (operation) {
      case INGEST, INGEST_BATCH -> WRITERS;
      case GET_EVENT, QUERY_EVENTS, AGGREGATE_HISTORY, FEED, FEED_STREAM, FEED_LAG -> READERS;
      case METRICS -> READERS;
      case LEDGER_DIGEST, LEDGER_KEY, LEDGER_INCLUSION, LEDGER_CONSISTENCY, LEDGER_LEAVES -> READERS;
      case SCHEMAS, SCHEMA_VERSIONS, SCHEMA_VERSION, CATALOG -> READERS;
      // A schema decides what producers may write; the quarantine holds events of every service.
      case SCHEMA_REGISTER, QUARANTINE, QUARANTINE_RELEASE, QUARANTINE_DROP -> ADMINS;
      case HEALTH_LIVE, HEALTH_READY, OPENAPI, CONSOLE, CONSOLE_FILE, DOCS, DOCS_FILE -> EVERYONE;
      // Erasure removes data for good and its records name events: admins only (docs/erasure.md).
      case ERASE, LIST_ERASURES, GET_ERASURE -> ADMINS;
    };
  }

  /**
   * True when {@code operation} needs no key at all: the liveness and readiness probes, and the
   * OpenAPI document (public by nature: it is what a client is generated from), and the console's
   * page and files (static; the page asks for a key before it reads any data), and Swagger UI at
   * /docs (static, showing the open OpenAPI document).
   */
  public static boolean isOpen(Operation operation) {
    return operation == Operation.HEALTH_LIVE || operation == Operation.HEALTH_READY || operation == Operation.OPENAPI
        || operation == Operation.CONSOLE || operation == Operation.CONSOLE_FILE
        || operation == Operation.DOCS || operation == Operation.DOCS_FILE;
  }

  /** True when {@code principal} may call {@code operation}. */
  public static boolean allows(Principal principal, Operation operation) {
    Objects.requireNonNull(principal, "principal");
    return isOpen(operation) || rolesFor(operation).contains(principal.role());
  }

  /**
   * True when {@code principal} may write an event whose {@code meta.service} is {@code service}:
   * an admin for every service, a producer for its bound services, a reader never. Ingestion asks
   * this per event, before it looks the id up in the store, and answers outcome {@code forbidden}
   * otherwise; the same rule decides whether a {@code conflict} answer may show the stored event.
   */
  public static boolean mayPublish(Principal principal, String service) {
    Objects.requireNonNull(principal, "principal");
    if (HUB_SERVICE.equals(service)) {
      return false; // a forged erasure-applied event would make projections drop data
    }
    return switch (principal.role()) {
      case ADMIN -> true;
      case PRODUCER -> service != null && principal.services().contains(service);
      case READER -> false;
    };
  }
}
