package io.annals.hub.server.query;

import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.Position;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the parameters of a read request and collects every fault, so that one 400 answer names
 * all bad parameters at once. Each getter returns null (or the default) when its parameter is
 * absent or bad; call {@link #check()} before using the values.
 *
 * <p>Rules: a parameter the endpoint does not know, a parameter given twice, and an empty value
 * are faults (a typo such as {@code type=} on the feed, which takes {@code types=}, must not
 * silently widen a query to everything).
 */
public final class QueryParameters {

  /** Page size when {@code limit} is not given. */
  public static final int DEFAULT_LIMIT = 100;
  /** Largest page: bounds the memory and time of one answer (about 1 MiB of JSON for 1 KiB events). */
  public static final int MAX_LIMIT = 1000;
  /** Most types one feed request may name. */
  public static final int MAX_TYPES = 1000;
  /** Lengths of the event fields, as validated at ingestion (docs/decisions.md). */
  public static final int MAX_NAME = 256;
  public static final int MAX_ID = 1024;

  private static final int MAX_SHOWN = 100;

  private final Map<String, List<String>> values;
  private final List<ParameterError> errors = new ArrayList<>();

  /** @param values the decoded query parameters, e.g. Javalin's {@code ctx.queryParamMap()} */
  public QueryParameters(Map<String, List<String>> values, Set<String> known) {
    this.values = values;
    for (String name : new TreeSet<>(values.keySet())) {
      // "a=1&" or "a=1&&b=2" leave an empty name behind: a stray separator, not a parameter.
      if (name.isEmpty()) {
        continue;
      }
      if (!known.contains(name)) {
        errors.add(new ParameterError(shown(name), "unknown parameter; this endpoint takes " + String.join(", ", new TreeSet<>(known))));
      }
    }
  }

  /** A text parameter of 1..{@code maxLength} characters without control characters; null when absent. */
  public String text(String name, int maxLength) {
    String value = single(name);
    return value == null ? null : checkedText(name, value, maxLength);
  }

  /** An ISO-8601 time with offset ({@code 2026-01-01T12:00:00Z}); null when absent. */
  public Instant instant(String name) {
    String value = single(name);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      String hint = value.contains(" ") ? " (a '+' in a URL query reads as a space: send it as %2B)" : "";
      return fail(name, "not an ISO-8601 time with offset such as 2026-01-01T12:00:00Z" + hint);
    }
  }

  /** {@code limit}: an integer 1..{@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when absent. */
  public int limit() {
    String value = single("limit");
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    fail("limit", "must be an integer from 1 to " + MAX_LIMIT);
    return DEFAULT_LIMIT;
  }

  /** A feed or query cursor; null when absent or the start cursor. */
  public Position position(String name) {
    String value = single(name);
    if (value == null) {
      return null;
    }
    try {
      return Cursor.position(value, name);
    } catch (BadParametersException e) {
      errors.addAll(e.errors());
      return null;
    }
  }

  /** An aggregate history cursor; null when absent or the start cursor. */
  public AggregatePosition aggregatePosition(String name) {
    String value = single(name);
    if (value == null) {
      return null;
    }
    try {
      return Cursor.aggregatePosition(value, name);
    } catch (BadParametersException e) {
      errors.addAll(e.errors());
      return null;
    }
  }

  /** A comma-separated list of event types; empty (all types) when absent. */
  public Set<String> types(String name) {
    String value = single(name);
    if (value == null) {
      return Set.of();
    }
    Set<String> types = new LinkedHashSet<>();
    for (String type : value.split(",", -1)) {
      if (checkedText(name, type, MAX_NAME) == null) {
        return Set.of();
      }
      types.add(type);
    }
    if (types.size() > MAX_TYPES) {
      fail(name, "names " + types.size() + " types; at most " + MAX_TYPES);
      return Set.of();
    }
    return Set.copyOf(types);
  }

  /** Adds a fault found by the caller (e.g. in a path parameter). */
  public void reject(String name, String detail) {
    errors.add(new ParameterError(name, detail));
  }

  /** Checks a path or other value with the rules of {@link #text}. */
  public String checkedText(String name, String value, int maxLength) {
    if (value.isEmpty()) {
      return fail(name, "must not be empty; leave the parameter out instead");
    }
    if (value.length() > maxLength) {
      return fail(name, "is " + value.length() + " characters long; at most " + maxLength);
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      return fail(name, "contains a control character");
    }
    return value;
  }

  /** Throws {@link BadParametersException} naming every fault found so far. */
  public void check() {
    if (!errors.isEmpty()) {
      throw new BadParametersException(errors);
    }
  }

  private String single(String name) {
    List<String> given = values.get(name);
    if (given == null || given.isEmpty()) {
      return null;
    }
    if (given.size() > 1) {
      return fail(name, "given " + given.size() + " times; give it once");
    }
    return given.get(0);
  }

  private <T> T fail(String name, String detail) {
    errors.add(new ParameterError(name, detail));
    return null;
  }

  private static String shown(String name) {
    return name.length() > MAX_SHOWN ? name.substring(0, MAX_SHOWN) + "…" : name;
  }
}
