package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ingest.FieldError;
import io.annals.hub.server.schema.CatalogEntry;
import io.annals.hub.server.schema.QuarantineService;
import io.annals.hub.server.schema.QuarantinedEvent;
import io.annals.hub.server.schema.SchemaMode;
import io.annals.hub.server.schema.SchemaRefusedException;
import io.annals.hub.server.schema.SchemaService;
import io.annals.hub.server.schema.SchemaVersion;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /schemas} (register and read payload schemas), {@code /quarantine} (list, release, drop)
 * and {@code /catalog} (every stored type with its counts, schema and a sample).
 */
public final class SchemaRoutes implements Routes {

  private static final String JSON = "application/json";
  /** Ids per release or drop, and events per quarantine page: bounded answers and transactions. */
  static final int MAX_IDS = 1000;
  static final int DEFAULT_PAGE = 100;

  private final SchemaService schemas;
  private final QuarantineService quarantine;
  private final EventJson json;
  private final Clock clock;
  private final ObjectMapper mapper = new ObjectMapper();

  public SchemaRoutes(SchemaService schemas, QuarantineService quarantine, EventJson json, Clock clock) {
    this.schemas = schemas;
    this.quarantine = quarantine;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public void register(Javalin app) {
    app.exception(SchemaRefusedException.class, (e, ctx) -> Problem.send(ctx, json,
        Problem.of(json, 400, "invalid-schema", "Invalid schema", "the schema was not registered; see errors", e.errors()), 0));
    badBodies(app);
    app.put("/schemas/{service}/{type}", this::register, Operation.SCHEMA_REGISTER);
    app.get("/schemas", this::list, Operation.SCHEMAS);
    app.get("/schemas/{service}/{type}", this::versions, Operation.SCHEMA_VERSIONS);
    app.get("/schemas/{service}/{type}/{version}", this::version, Operation.SCHEMA_VERSION);
    app.get("/quarantine", this::held, Operation.QUARANTINE);
    app.post("/quarantine/release", this::release, Operation.QUARANTINE_RELEASE);
    app.post("/quarantine/drop", this::drop, Operation.QUARANTINE_DROP);
    app.get("/catalog", this::catalog, Operation.CATALOG);
  }

  private void register(Context ctx) {
    JsonNode body = body(ctx);
    List<FieldError> errors = new ArrayList<>();
    JsonNode schema = body.get("schema");
    if (schema == null || !schema.isObject()) {
      errors.add(new FieldError("/schema", "required: a JSON Schema (2020-12) object for the payload"));
    }
    SchemaMode mode = body.path("mode").isTextual() ? SchemaMode.fromWireName(body.get("mode").asText()).orElse(null) : null;
    if (mode == null) {
      errors.add(new FieldError("/mode", "required: \"enforce\" or \"quarantine\""));
    }
    Long newest = null;
    if (body.has("check_newest")) {
      JsonNode n = body.get("check_newest");
      if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 1) {
        errors.add(new FieldError("/check_newest", "a whole number >= 1: how many of the newest stored events to check"));
      } else {
        newest = n.asLong();
      }
    }
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!List.of("schema", "mode", "check_newest").contains(name)) {
        errors.add(new FieldError("/" + name, "unknown member; expected schema, mode, check_newest"));
      }
    }
    badRequest(errors);
    SchemaService.Outcome outcome = schemas.register(ctx.pathParam("service"), ctx.pathParam("type"), schema, mode, newest);
    if (outcome instanceof SchemaService.Outcome.Rejected rejected) {
      ObjectNode p = Problem.of(json, 409, "schema-rejects-history", "Schema rejects stored events",
          "the schema would reject " + (rejected.failures().size() >= SchemaService.MAX_FAILURES ? "at least " : "")
              + rejected.failures().size() + " stored event(s) of this type (" + rejected.checked()
              + " checked, newest first); nothing was registered", List.of());
      p.put("checked", rejected.checked());
      ArrayNode failures = p.putArray("failures");
      for (SchemaService.Failure f : rejected.failures()) {
        ObjectNode item = failures.addObject().put("id", f.eventId());
        ArrayNode list = item.putArray("errors");
        f.errors().forEach(e -> list.addObject().put("pointer", e.pointer()).put("detail", e.detail()));
      }
      Problem.send(ctx, json, p, 0);
      return;
    }
    SchemaVersion v = ((SchemaService.Outcome.Registered) outcome).version();
    ctx.header("Location", "/schemas/" + v.service() + "/" + v.type() + "/" + v.version());
    ctx.status(201).contentType(JSON).result(json.bytes(version(v)));
  }

  private void list(Context ctx) {
    ObjectNode body = json.object();
    ArrayNode list = body.putArray("schemas");
    schemas.stores().registry().latestOfEach().forEach(v -> list.add(version(v)));
    ctx.status(200).contentType(JSON).result(json.bytes(body));
  }

  private void versions(Context ctx) {
    List<SchemaVersion> versions = schemas.stores().registry().versions(ctx.pathParam("service"), ctx.pathParam("type"));
    if (versions.isEmpty()) {
      throw new NotFoundResponse("no schema for " + ctx.pathParam("service") + "/" + ctx.pathParam("type"));
    }
    ObjectNode body = json.object();
    ArrayNode list = body.putArray("versions");
    versions.forEach(v -> list.add(version(v)));
    ctx.status(200).contentType(JSON).result(json.bytes(body));
  }

  private void version(Context ctx) {
    String wanted = ctx.pathParam("version");
    SchemaVersion found = schemas.stores().registry().versions(ctx.pathParam("service"), ctx.pathParam("type")).stream()
        .filter(v -> Integer.toString(v.version()).equals(wanted)).findFirst()
        .orElseThrow(() -> new NotFoundResponse("no version " + abbreviate(wanted) + " of the schema of "
            + ctx.pathParam("service") + "/" + ctx.pathParam("type")));
    ctx.status(200).contentType(JSON).result(json.bytes(version(found)));
  }

  private ObjectNode version(SchemaVersion v) {
    ObjectNode node = json.object().put("service", v.service()).put("type", v.type()).put("version", v.version())
        .put("mode", v.mode().wireName()).put("registered_at", EventJson.time(v.registeredAt())).put("checked", v.checked());
    node.set("schema", parse(v.schemaJson()));
    return node;
  }

  private void held(Context ctx) {
    int limit = DEFAULT_PAGE;
    String limitText = ctx.queryParam("limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_IDS) {
        throw new io.annals.hub.server.query.BadParametersException("limit", "a whole number from 1 to " + MAX_IDS);
      }
    }
    List<QuarantinedEvent> page = schemas.stores().quarantine().held(ctx.queryParam("service"), ctx.queryParam("type"),
        ctx.queryParam("after"), limit);
    ObjectNode body = json.object();
    ArrayNode events = body.putArray("events");
    for (QuarantinedEvent q : page) {
      ObjectNode item = events.addObject();
      item.set("event", json.envelope(q.event(), null));
      item.put("quarantined_at", EventJson.time(q.quarantinedAt())).put("schema_version", q.schemaVersion());
      ArrayNode errors = item.putArray("errors");
      q.errors().forEach(e -> errors.addObject().put("pointer", "/payload" + e.pointer()).put("detail", e.detail()));
    }
    if (page.size() == limit) {
      body.put("next", page.get(page.size() - 1).id());
    } else {
      body.putNull("next");
    }
    ctx.status(200).contentType(JSON).result(json.bytes(body));
  }

  private void release(Context ctx) {
    List<String> ids = ids(body(ctx), List.of("ids"));
    ObjectNode body = json.object();
    ArrayNode results = body.putArray("results");
    for (QuarantineService.Released r : quarantine.release(ids)) {
      ObjectNode item = results.addObject().put("id", r.id()).put("outcome", r.outcome());
      if (!r.errors().isEmpty()) {
        ArrayNode errors = item.putArray("errors");
        r.errors().forEach(e -> errors.addObject().put("pointer", e.pointer()).put("detail", e.detail()));
      }
    }
    ctx.status(200).contentType(JSON).result(json.bytes(body));
  }

  private void drop(Context ctx) {
    JsonNode body = body(ctx);
    List<FieldError> errors = new ArrayList<>();
    String reason = body.path("reason").isTextual() ? body.get("reason").asText().strip() : "";
    if (reason.isEmpty() || reason.length() > 1000) {
      errors.add(new FieldError("/reason", "required: why these events are dropped (1 to 1000 characters)"));
    }
    List<String> ids;
    try {
      ids = ids(body, List.of("ids", "reason"));
    } catch (BadBody e) {
      errors.addAll(e.errors);
      ids = List.of();
    }
    badRequest(errors);
    int dropped = quarantine.drop(ids, reason);
    ctx.status(200).contentType(JSON).result(json.bytes(json.object().put("dropped", dropped)));
  }

  private void catalog(Context ctx) {
    Map<List<String>, SchemaVersion> latest = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    schemas.stores().registry().latestOfEach().forEach(v -> latest.put(List.of(v.service(), v.type()), v));
    ObjectNode body = json.object();
    ArrayNode types = body.putArray("types");
    for (CatalogEntry e : schemas.stores().catalog().entries(clock.instant())) {
      ObjectNode item = types.addObject().put("service", e.service()).put("type", e.type()).put("count", e.count())
          .put("first_received_at", EventJson.time(e.firstReceivedAt())).put("last_received_at", EventJson.time(e.lastReceivedAt()))
          .put("last_hour", e.lastHour());
      SchemaVersion v = latest.get(List.of(e.service(), e.type()));
      if (v == null) {
        item.putNull("schema");
      } else {
        item.putObject("schema").put("version", v.version()).put("mode", v.mode().wireName());
      }
      // The sample is read when asked, newest first from the type's index: no cost per stored event.
      // Absent rather than null when none can be read: a nullable event is a shape client generators
      // cannot express (GeneratedClientsTest).
      List<StoredEvent> sample = schemas.stores().history().newestFirst(e.service(), e.type(), null, 1);
      if (!sample.isEmpty()) {
        item.set("sample", json.envelope(sample.get(0)));
      }
    }
    ctx.status(200).contentType(JSON).result(json.bytes(body));
  }

  /** {@code ids}: 1 to {@link #MAX_IDS} event ids; other members than {@code allowed} are refused. */
  private static List<String> ids(JsonNode body, List<String> allowed) {
    List<FieldError> errors = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    JsonNode list = body.get("ids");
    if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_IDS) {
      errors.add(new FieldError("/ids", "required: an array of 1 to " + MAX_IDS + " event ids"));
    } else {
      for (int i = 0; i < list.size(); i++) {
        if (!list.get(i).isTextual()) {
          errors.add(new FieldError("/ids/" + i, "must be an event id (a string)"));
        } else {
          ids.add(list.get(i).asText().toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        errors.add(new FieldError("/" + name, "unknown member; expected " + String.join(", ", allowed)));
      }
    }
    if (!errors.isEmpty()) {
      throw new BadBody(errors);
    }
    return ids;
  }

  private JsonNode body(Context ctx) {
    JsonNode body;
    try {
      body = mapper.readTree(ctx.bodyAsBytes());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadBody(List.of(new FieldError("", "the body is not JSON: " + e.getOriginalMessage())));
    } catch (IOException e) {
      throw new BadBody(List.of(new FieldError("", "the body could not be read: " + e.getMessage())));
    }
    if (body == null || !body.isObject()) {
      throw new BadBody(List.of(new FieldError("", "the body must be a JSON object")));
    }
    return body;
  }

  private JsonNode parse(String text) {
    try {
      return mapper.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("a stored schema is not JSON", e);
    }
  }

  private static void badRequest(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw new BadBody(errors);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  /** A request body the route cannot use: 400 naming each bad member. */
  static final class BadBody extends RuntimeException {
    final transient List<FieldError> errors;

    BadBody(List<FieldError> errors) {
      super(errors.get(0).pointer() + ": " + errors.get(0).detail(), null, false, false);
      this.errors = errors;
    }
  }

  /** Registers the answer to {@link BadBody}; called by {@link #register}. */
  void badBodies(Javalin app) {
    app.exception(BadBody.class, (e, ctx) -> Problem.send(ctx, json,
        Problem.of(json, 400, "invalid-body", "Invalid request body", "the request body is not usable; see errors", e.errors), 0));
  }
}
