package io.annals.hub.server.auth;

import io.javalin.security.RouteRole;

/**
 * Every HTTP operation of the hub, as the unit of authorisation. The HTTP layer tags each route
 * with its operation ({@code app.post("/events", handler, Operation.INGEST)}) and a
 * {@code beforeMatched} handler reads it back from {@code ctx.routeRoles()}; a route without an
 * operation must be refused. {@link Authorizer#rolesFor} says who may call each one.
 */
public enum Operation implements RouteRole {
  INGEST("POST", "/events"),
  /** The batch forms alone, always answered with one result per event (one operation per form for generated clients). */
  INGEST_BATCH("POST", "/events/batch"),
  GET_EVENT("GET", "/events/{id}"),
  QUERY_EVENTS("GET", "/events"),
  AGGREGATE_HISTORY("GET", "/aggregates/{aggregate_id}/events"),
  FEED("GET", "/feed"),
  FEED_STREAM("GET", "/feed/stream"),
  FEED_LAG("GET", "/feed/lag"),
  METRICS("GET", "/metrics"),
  HEALTH_LIVE("GET", "/health/live"),
  HEALTH_READY("GET", "/health/ready"),
  OPENAPI("GET", "/openapi.json"),
  LEDGER_DIGEST("GET", "/ledger/digest"),
  LEDGER_KEY("GET", "/ledger/key"),
  LEDGER_INCLUSION("GET", "/ledger/proof/inclusion"),
  LEDGER_CONSISTENCY("GET", "/ledger/proof/consistency"),
  ERASE("POST", "/erasures"),
  LIST_ERASURES("GET", "/erasures"),
  GET_ERASURE("GET", "/erasures/{id}"),
  SCHEMA_REGISTER("PUT", "/schemas/{service}/{type}"),
  SCHEMAS("GET", "/schemas"),
  SCHEMA_VERSIONS("GET", "/schemas/{service}/{type}"),
  SCHEMA_VERSION("GET", "/schemas/{service}/{type}/{version}"),
  QUARANTINE("GET", "/quarantine"),
  QUARANTINE_RELEASE("POST", "/quarantine/release"),
  QUARANTINE_DROP("POST", "/quarantine/drop"),
  CATALOG("GET", "/catalog"),
  LEDGER_LEAVES("GET", "/ledger/leaves"),
  CONSOLE("GET", "/console"),
  CONSOLE_FILE("GET", "/console/{file}"),
  DOCS("GET", "/docs"),
  DOCS_FILE("GET", "/docs/{file}");

  private final String method;
  private final String path;

  Operation(String method, String path) {
    this.method = method;
    this.path = path;
  }

  /** The HTTP method, e.g. {@code "POST"}. */
  public String method() {
    return method;
  }

  /** The route template as in DESIGN.md, e.g. {@code "/events/{id}"}. */
  public String path() {
    return path;
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
