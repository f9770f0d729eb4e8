package io.annals.hub.server.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.ingest.FieldError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code POST /erasures} body, checked: what to erase (event ids, an aggregate id or a
 * correlation id: exactly one), which top-level members ({@code pointers}; absent = the whole
 * payload) and why. An export's erasure record (the {@code GET /erasures} shape, with {@code
 * erasure_id}, {@code event_ids}, {@code requested_at}, {@code requested_by}) is accepted as is, so
 * that an import re-applies it under its own id.
 *
 * @param pointers top-level member pointers ({@code /email}), null = the whole payload
 * @param memberNames the members the pointers name (JSON pointer escapes resolved), null = all
 */
public record ErasureRequest(String erasureId, Selector selector, List<String> pointers, Set<String> memberNames, String reason,
    Instant requestedAt, String requestedBy) {

  /** At most this many event ids per request, and per erasure of an aggregate or correlation id. */
  public static final int MAX_EVENTS = 10_000;
  static final int MAX_REASON = 2_000;
  static final int MAX_ID = 500;
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern ERASURE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  private static final Set<String> FIELDS = Set.of("erasure_id", "ids", "event_ids", "aggregate_id", "correlation_id", "pointers",
      "reason", "requested_at", "requested_by");

  /** What the request names. */
  public sealed interface Selector {}

  public record Ids(List<String> ids) implements Selector {}

  public record Aggregate(String aggregateId) implements Selector {}

  public record Correlation(String correlationId) implements Selector {}

  /** Checks a request body; throws ErasureRequestException naming every problem. */
  public static ErasureRequest parse(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    if (body == null || !body.isObject()) {
      throw new ErasureRequestException("", "the body is a JSON object: {\"ids\": [...]} or {\"aggregate_id\": \"...\"}"
          + " or {\"correlation_id\": \"...\"}, with \"reason\" and optional \"pointers\"");
    }
    body.fieldNames().forEachRemaining(name -> {
      if (!FIELDS.contains(name)) {
        errors.add(new FieldError("/" + name, "unknown member; expected one of " + new java.util.TreeSet<>(FIELDS)));
      }
    });
    String erasureId = null;
    if (body.has("erasure_id")) {
      erasureId = body.get("erasure_id").isTextual() ? body.get("erasure_id").asText() : null;
      if (erasureId == null || !ERASURE_ID.matcher(erasureId).matches()) {
        errors.add(new FieldError("/erasure_id", "1 to 100 characters of A-Z a-z 0-9 . _ : -"));
      }
    }
    List<Selector> selectors = new ArrayList<>();
    for (String field : List.of("ids", "event_ids")) {
      if (body.has(field)) {
        List<String> ids = ids(body.get(field), "/" + field, errors);
        if (ids != null) {
          selectors.add(new Ids(ids));
        }
      }
    }
    if (body.has("aggregate_id")) {
      String id = text(body.get("aggregate_id"), "/aggregate_id", MAX_ID, errors);
      if (id != null) {
        selectors.add(new Aggregate(id));
      }
    }
    if (body.has("correlation_id")) {
      String id = text(body.get("correlation_id"), "/correlation_id", MAX_ID, errors);
      if (id != null) {
        selectors.add(new Correlation(id));
      }
    }
    long named = FIELDS.stream().filter(f -> List.of("ids", "event_ids", "aggregate_id", "correlation_id").contains(f) && body.has(f)).count();
    if (named == 0) {
      errors.add(new FieldError("", "the request names nothing to erase: give \"ids\", \"aggregate_id\" or \"correlation_id\""));
    } else if (named > 1) {
      errors.add(new FieldError("", "name exactly one of \"ids\", \"aggregate_id\" or \"correlation_id\""));
    }
    String reason = null;
    if (!body.has("reason")) {
      errors.add(new FieldError("/reason", "required: why the data is erased (the audit record keeps it; no personal data here)"));
    } else {
      reason = text(body.get("reason"), "/reason", MAX_REASON, errors);
    }
    List<String> pointers = null;
    Set<String> names = null;
    JsonNode p = body.get("pointers");
    if (p != null && !p.isNull()) {
      if (!p.isArray() || p.isEmpty()) {
        errors.add(new FieldError("/pointers", "a non-empty array of top-level member pointers like \"/email\", or absent for the whole payload"));
      } else {
        pointers = new ArrayList<>();
        names = new LinkedHashSet<>();
        for (int i = 0; i < p.size(); i++) {
          String pointer = p.get(i).isTextual() ? p.get(i).asText() : null;
          String name = pointer == null ? null : memberName(pointer);
          if (name == null) {
            errors.add(new FieldError("/pointers/" + i, "a top-level member pointer like \"/email\": the ledger commits to the"
                + " payload member by member, so deeper members (\"/a/b\") cannot be erased alone; erase \"/a\""));
          } else {
            pointers.add(pointer);
            names.add(name);
          }
        }
      }
    }
    Instant requestedAt = null;
    String requestedBy = null;
    for (String field : List.of("requested_at", "requested_by")) {
      if (body.has(field) && erasureId == null) {
        errors.add(new FieldError("/" + field, "only with \"erasure_id\", when an erasure record from an export is applied again"));
      }
    }
    if (body.has("requested_at") && body.get("requested_at").isTextual()) {
      try {
        requestedAt = Instant.parse(body.get("requested_at").asText());
      } catch (DateTimeParseException e) {
        errors.add(new FieldError("/requested_at", "an ISO-8601 UTC time like 2026-01-01T12:00:00.000000Z"));
      }
    } else if (body.has("requested_at")) {
      errors.add(new FieldError("/requested_at", "an ISO-8601 UTC time like 2026-01-01T12:00:00.000000Z"));
    }
    if (body.has("requested_by")) {
      requestedBy = text(body.get("requested_by"), "/requested_by", MAX_ID, errors);
    }
    if (!errors.isEmpty()) {
      throw new ErasureRequestException(errors);
    }
    return new ErasureRequest(erasureId, selectors.get(0), pointers, names, reason, requestedAt, requestedBy);
  }

  /** The member name of a top-level JSON pointer ({@code /a~1b} names {@code a/b}), or null for any other pointer. */
  static String memberName(String pointer) {
    if (!pointer.startsWith("/") || pointer.indexOf('/', 1) >= 0) {
      return null;
    }
    String raw = pointer.substring(1);
    if (raw.replace("~0", "").replace("~1", "").contains("~")) {
      return null;
    }
    return raw.replace("~1", "/").replace("~0", "~");
  }

  private static List<String> ids(JsonNode node, String pointer, List<FieldError> errors) {
    if (!node.isArray() || node.isEmpty() || node.size() > MAX_EVENTS) {
      errors.add(new FieldError(pointer, "a non-empty array of at most " + MAX_EVENTS + " event ids"));
      return null;
    }
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String id = node.get(i).isTextual() ? node.get(i).asText() : "";
      if (!UUID.matcher(id).matches()) {
        errors.add(new FieldError(pointer + "/" + i, "an event id: a lower-case UUID"));
      } else {
        ids.add(id);
      }
    }
    return List.copyOf(ids);
  }

  private static String text(JsonNode node, String pointer, int max, List<FieldError> errors) {
    if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > max) {
      errors.add(new FieldError(pointer, "a non-blank string of at most " + max + " characters"));
      return null;
    }
    return node.asText();
  }
}
