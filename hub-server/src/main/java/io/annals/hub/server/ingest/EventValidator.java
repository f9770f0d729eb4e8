package io.annals.hub.server.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.server.auth.RequestLimits;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.wire.WireTime;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import io.annals.hub.server.event.Extensions;

/**
 * Checks one submitted document against the event envelope of DESIGN.md and turns it into an
 * {@link Event}, or lists every bad field. Strict by design (docs/decisions.md): unknown fields
 * are errors rather than silently dropped data, and {@code payload} is required.
 */
public final class EventValidator {

  /** Longest {@code meta.service} and {@code meta.type}. */
  public static final int MAX_NAME_LENGTH = 256;
  /** Longest {@code meta.aggregate_id} and {@code meta.correlation_id}. */
  public static final int MAX_ID_LENGTH = 1024;

  private static final Set<String> TOP_FIELDS = Set.of("id", "meta", "payload");
  private static final Set<String> META_FIELDS =
      Set.of("service", "type", "created_at", "aggregate_id", "correlation_id", "received_at", "extensions");
  /**
   * Names a native extension may not have: the CloudEvents attributes the envelope maps elsewhere,
   * which would clash with them in the CloudEvents form ({@code dataschema} is kept as an extension).
   */
  private static final Set<String> NOT_EXTENSIONS = Set.of("specversion", "id", "source", "type", "time", "subject",
      "datacontenttype", "data", "correlationid", "receivedat");

  private final ObjectMapper json;
  private final Clock clock;
  private final Duration maxSkew;
  private final int maxEventBytes;

  /** As {@link #EventValidator(ObjectMapper, Clock, Duration, int)} with the default event size bound. */
  public EventValidator(ObjectMapper json, Clock clock, Duration maxSkew) {
    this(json, clock, maxSkew, RequestLimits.defaults().maxEventBytes());
  }

  /**
   * @param json writes the payload back as compact text; must keep decimals exact
   * @param clock the hub's clock, for the future-skew rule on {@code created_at}
   * @param maxEventBytes the largest event accepted, measured as compact JSON in UTF-8
   */
  public EventValidator(ObjectMapper json, Clock clock, Duration maxSkew, int maxEventBytes) {
    this.json = json;
    this.clock = clock;
    this.maxSkew = maxSkew;
    this.maxEventBytes = maxEventBytes;
  }

  /** Validates {@code node}; field pointers start with {@code prefix} ({@code ""} or {@code "/3"}). */
  public Validation validate(JsonNode node, String prefix) {
    List<FieldError> errors = new ArrayList<>();
    if (!node.isObject()) {
      errors.add(new FieldError(prefix.isEmpty() ? "" : prefix, "must be an event object, not " + kind(node)));
      return new Validation.Invalid(null, null, null, errors);
    }
    if (tooLarge(node)) {
      // Measured as compact JSON, so that whitespace in the request neither counts nor hides bytes.
      errors.add(new FieldError(prefix, "the event is larger than " + maxEventBytes
          + " bytes as compact JSON (HUB_MAX_EVENT_BYTES); send less in its payload"));
      JsonNode meta = node.path("meta");
      String id = node.path("id").isTextual() && isUuid(node.get("id").asText())
          ? node.get("id").asText().toLowerCase(Locale.ROOT) : null;
      // Only names that would pass validation, since they become metric labels.
      return new Validation.Invalid(id, name(meta.get("service")), name(meta.get("type")), errors);
    }
    unknownFields(node, TOP_FIELDS, prefix, errors, "an event has only id, meta and payload");
    String id = uuid(node.get("id"), prefix + "/id", errors);
    JsonNode meta = node.get("meta");
    String service = null;
    String type = null;
    Instant createdAt = null;
    String aggregateId = null;
    String correlationId = null;
    Map<String, String> extensions = Map.of();
    if (meta == null || !meta.isObject()) {
      errors.add(new FieldError(prefix + "/meta", meta == null ? "required" : "must be an object, not " + kind(meta)));
    } else {
      String m = prefix + "/meta";
      unknownFields(meta, META_FIELDS, m, errors,
          "meta has only service, type, created_at, aggregate_id, correlation_id, extensions (received_at is ignored)");
      service = text(meta.get("service"), m + "/service", MAX_NAME_LENGTH, true, errors);
      type = text(meta.get("type"), m + "/type", MAX_NAME_LENGTH, true, errors);
      aggregateId = text(meta.get("aggregate_id"), m + "/aggregate_id", MAX_ID_LENGTH, true, errors);
      correlationId = text(meta.get("correlation_id"), m + "/correlation_id", MAX_ID_LENGTH, false, errors);
      createdAt = createdAt(meta.get("created_at"), m + "/created_at", errors);
      extensions = extensions(meta.get("extensions"), m + "/extensions", errors);
    }
    String payload = payload(node.get("payload"), prefix + "/payload", errors);
    if (!errors.isEmpty()) {
      String rawId = id != null ? id : node.path("id").isTextual() ? node.get("id").asText() : null;
      return new Validation.Invalid(rawId, service, type, errors);
    }
    return new Validation.Valid(new Event(id, service, type, createdAt, aggregateId, correlationId, payload, extensions));
  }

  /** The hub's clock now, at microseconds: the receive time a CloudEvent without {@code time} gets as {@code created_at}. */
  Instant now() {
    return EpochMicros.truncate(clock.instant());
  }

  /**
   * {@code meta.extensions}: an object of strings, at most {@link Extensions#MAX_COUNT} named by
   * the CloudEvents rule (plus the hub's own {@code ce_*} names), values without control
   * characters (CloudEvents strings exclude them) and at most {@link Extensions#MAX_VALUE_LENGTH}.
   */
  private static Map<String, String> extensions(JsonNode value, String pointer, List<FieldError> errors) {
    if (value == null) {
      return Map.of();
    }
    if (!value.isObject()) {
      errors.add(new FieldError(pointer, "must be an object of strings, not " + kind(value)));
      return Map.of();
    }
    Map<String, String> extensions = new TreeMap<>();
    int producers = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      String at = pointer + "/" + FieldError.token(name);
      boolean hubName = Extensions.HUB_NAMES.contains(name);
      if (!hubName && (!Extensions.NAME.matcher(name).matches() || name.length() > Extensions.MAX_NAME_LENGTH)) {
        errors.add(new FieldError(at, "not a CloudEvents attribute name: lower-case letters a-z and digits only, at most "
            + Extensions.MAX_NAME_LENGTH + " characters"));
        continue;
      }
      if (NOT_EXTENSIONS.contains(name)) {
        errors.add(new FieldError(at, "is a CloudEvents attribute the envelope holds elsewhere, not an extension"));
        continue;
      }
      if (!hubName && ++producers > Extensions.MAX_COUNT) {
        errors.add(new FieldError(at, "more than " + Extensions.MAX_COUNT + " extensions; send at most "
            + Extensions.MAX_COUNT + " per event"));
        break;
      }
      JsonNode v = f.getValue();
      if (!v.isTextual()) {
        errors.add(new FieldError(at, "must be a string, not " + kind(v)));
        continue;
      }
      String s = v.asText();
      if (s.length() > Extensions.MAX_VALUE_LENGTH) {
        errors.add(new FieldError(at, "must be at most " + Extensions.MAX_VALUE_LENGTH + " characters"));
      } else if (hasControlCharacter(s)) {
        errors.add(new FieldError(at, "must not contain control characters (CloudEvents strings exclude them)"));
      } else {
        extensions.put(name, s);
      }
    }
    return extensions;
  }

  /**
   * Whether {@code event} is larger than the bound as compact JSON in UTF-8, as the mapper's byte
   * writer writes it. Exact, but written out only when {@link #sizeBound} cannot settle it: that
   * serialisation was a second one of every event besides its payload's, for events that are
   * almost always far below the bound (issue 29).
   */
  private boolean tooLarge(JsonNode event) {
    return sizeBound(event) > maxEventBytes && writtenTooLarge(event);
  }

  /** Stands for a node whose size is not bounded here: the event is then written out and counted. */
  private static final long UNBOUNDED = Long.MAX_VALUE / 4;

  /**
   * At least as many bytes as Jackson writes for {@code node} as compact JSON, from lengths alone
   * (no text is made): a string's character is at most 6 bytes (the longest escape, a backslash, u
   * and four hex digits; a surrogate pair is at most two such escapes); a
   * number at most its digits and the sign, point, exponent and leading zeros of
   * {@link BigDecimal#toString()}, or its scale's zeros written plain. {@link #UNBOUNDED} for kinds
   * the parser does not make. Package-private for the test that holds it against the writer.
   */
  static long sizeBound(JsonNode node) {
    switch (node.getNodeType()) {
      case STRING:
        return 2 + 6L * node.textValue().length();
      case OBJECT: {
        long bytes = 2 + Math.max(0, node.size() - 1); // braces and commas
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && bytes < UNBOUNDED; ) {
          Map.Entry<String, JsonNode> field = it.next();
          bytes += 3 + 6L * field.getKey().length() + sizeBound(field.getValue()); // quotes and colon
        }
        return Math.min(bytes, UNBOUNDED);
      }
      case ARRAY: {
        long bytes = 2 + Math.max(0, node.size() - 1);
        for (int i = 0; i < node.size() && bytes < UNBOUNDED; i++) {
          bytes += sizeBound(node.get(i));
        }
        return Math.min(bytes, UNBOUNDED);
      }
      case NUMBER:
        return numberBound(node);
      case BOOLEAN:
        return 5;
      case NULL:
        return 4;
      default:
        return UNBOUNDED;
    }
  }

  private static long numberBound(JsonNode number) {
    return switch (number.numberType()) {
      case INT, LONG -> 20;
      case BIG_INTEGER -> 2 + (long) (number.bigIntegerValue().bitLength() * 0.302) + 1;
      // Digits, sign, point, "0.00000" before the first digit, "E+" and an int's exponent, with room
      // to spare; and the zeros of the scale, should a mapper write decimals plain.
      case BIG_DECIMAL -> number.decimalValue().precision() + 32L + Math.abs((long) number.decimalValue().scale());
      case FLOAT, DOUBLE -> 32;
    };
  }

  private boolean writtenTooLarge(JsonNode event) {
    try {
      json.writeValue(new Budget(maxEventBytes), event);
      return false;
    } catch (Budget.Exceeded e) {
      return true;
    } catch (IOException e) {
      throw new IllegalStateException("could not measure a parsed event as JSON", e);
    }
  }

  private static String name(JsonNode value) {
    return text(value, "", MAX_NAME_LENGTH, true, new ArrayList<>());
  }

  /** Counts bytes written and stops the writer as soon as they pass the budget. */
  private static final class Budget extends OutputStream {

    static final class Exceeded extends IOException {
      Exceeded() {
        super("over budget", null);
      }
    }

    private long left;

    Budget(long bytes) {
      this.left = bytes;
    }

    @Override
    public void write(int b) throws IOException {
      spend(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      spend(len);
    }

    private void spend(int bytes) throws Exceeded {
      left -= bytes;
      if (left < 0) {
        throw new Exceeded();
      }
    }
  }

  private static void unknownFields(JsonNode object, Set<String> known, String prefix, List<FieldError> errors, String hint) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        errors.add(new FieldError(prefix + "/" + FieldError.token(name), "unknown field; " + hint));
      }
    }
  }

  private static String uuid(JsonNode value, String pointer, List<FieldError> errors) {
    if (value == null || !value.isTextual() || !isUuid(value.asText())) {
      errors.add(new FieldError(pointer, value == null ? "required; expected a UUID string"
          : "must be a UUID string like 0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11"));
      return null;
    }
    return value.asText().toLowerCase(Locale.ROOT);
  }

  /**
   * True for the 8-4-4-4-12 hex digit form of a UUID, either case. By hand rather than by regular
   * expression (or a stream for the check below): each ran on every event, for a few characters (issue 29).
   */
  static boolean isUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
          : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code s} holds a character {@link Character#isISOControl} calls a control character. */
  static boolean hasControlCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static String text(JsonNode value, String pointer, int maxLength, boolean required, List<FieldError> errors) {
    if (value == null || (!required && value.isNull())) {
      if (required) {
        errors.add(new FieldError(pointer, "required; expected a non-empty string"));
      }
      return null;
    }
    if (!value.isTextual()) {
      errors.add(new FieldError(pointer, "must be a string, not " + kind(value)));
      return null;
    }
    String s = value.asText();
    if (s.isEmpty() || s.length() > maxLength) {
      errors.add(new FieldError(pointer, "must be a non-empty string of at most " + maxLength + " characters"));
      return null;
    }
    if (hasControlCharacter(s)) {
      // Identifiers end up in logs, metric labels and query strings, where control characters do harm.
      errors.add(new FieldError(pointer, "must not contain control characters"));
      return null;
    }
    return s;
  }

  private Instant createdAt(JsonNode value, String pointer, List<FieldError> errors) {
    if (value == null || !value.isTextual()) {
      errors.add(new FieldError(pointer, (value == null ? "required" : "must be a string, not " + kind(value))
          + "; expected ISO-8601 with offset, e.g. 2026-01-01T12:00:00.000Z"));
      return null;
    }
    OffsetDateTime t = zulu(value.asText());
    try {
      if (t == null) {
        t = OffsetDateTime.parse(value.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      }
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(pointer, "must be ISO-8601 with an offset, e.g. 2026-01-01T12:00:00.000Z or 2026-01-01T13:00:00+01:00"));
      return null;
    }
    // Checked before any arithmetic: java.time accepts years far beyond what microseconds in a long hold.
    if (t.getYear() < 1 || t.getYear() > 9999 || badYear(t.toInstant().atOffset(ZoneOffset.UTC).getYear())) {
      errors.add(new FieldError(pointer, "must lie between the years 0001 and 9999 (UTC)"));
      return null;
    }
    Instant instant = EpochMicros.truncate(t.toInstant());
    Instant latest = clock.instant().plus(maxSkew);
    if (instant.isAfter(latest)) {
      errors.add(new FieldError(pointer, "lies " + Duration.between(clock.instant(), instant).toSeconds()
          + "s in the future; at most " + maxSkew.toSeconds() + "s ahead of the hub's clock is accepted"));
      return null;
    }
    return instant;
  }

  /**
   * The common form, {@code uuuu-MM-ddTHH:mm:ss[.fraction]Z} as the SDK and most producers send
   * it, read digit by digit ({@link WireTime#parseUtc}); null for anything else (and for impossible
   * dates), which then goes to {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}, the rule, at about
   * ten times the cost.
   */
  static OffsetDateTime zulu(String text) {
    Instant t = WireTime.parseUtc(text);
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }

  private static boolean badYear(int year) {
    return year < 1 || year > 9999;
  }

  private String payload(JsonNode value, String pointer, List<FieldError> errors) {
    if (value == null || !value.isObject()) {
      errors.add(new FieldError(pointer, value == null ? "required; expected a JSON object ({} for none)"
          : "must be a JSON object, not " + kind(value)));
      return null;
    }
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      // A tree read by our own parser always writes back; reaching this is a bug, not bad input.
      throw new IllegalStateException("could not write a parsed payload back as JSON", e);
    }
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
