package io.annals.hub.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks one CloudEvent 1.0 (its JSON form, or the same object assembled from binary-mode headers)
 * and turns it into the native envelope, which {@link EventValidator} then checks like any other
 * event: same rules, same outcomes, same idempotency. Errors name CloudEvents attributes, not
 * envelope fields ({@code /subject}, not {@code /meta/aggregate_id}); in binary mode the detail
 * also names the header ({@code header ce-subject: required; ...}).
 *
 * <p>Mapping (DESIGN.md): {@code id}→{@code id}, {@code source}→{@code meta.service},
 * {@code type}→{@code meta.type}, {@code time}→{@code meta.created_at},
 * {@code subject}→{@code meta.aggregate_id}, extension {@code correlationid}→{@code meta.correlation_id},
 * {@code data}→{@code payload}. Strict like the envelope (docs/decisions.md): {@code specversion}
 * must be {@code 1.0}; {@code time} and {@code subject}, optional in CloudEvents, are required
 * here; an absent {@code data} is the empty payload; {@code data_base64}, {@code dataschema}, a
 * non-JSON {@code datacontenttype} and unknown extensions make the event invalid rather than being
 * dropped; the extension {@code receivedat} (which the hub writes) is ignored like
 * {@code meta.received_at}.
 */
final class CloudEventValidator {

  /** The only CloudEvents version this hub speaks. */
  static final String SPEC_VERSION = "1.0";

  /** CloudEvents attribute → the envelope field it fills. */
  private static final Map<String, String> MAPPED = Map.of(
      "id", "/id",
      "source", "/meta/service",
      "type", "/meta/type",
      "time", "/meta/created_at",
      "subject", "/meta/aggregate_id",
      "correlationid", "/meta/correlation_id",
      "data", "/payload");
  private static final Set<String> TOLERATED = Set.of("specversion", "datacontenttype", "receivedat");
  private static final String KNOWN = "a CloudEvent here has specversion, id, source, type, time, subject, "
      + "datacontenttype (JSON), data (a JSON object) and the extension correlationid";

  private final JsonNodeFactory json = JsonNodeFactory.withExactBigDecimals(true);

  /**
   * Validates {@code ce}; pointers start with {@code prefix} ({@code ""}, or {@code "/3"} in a batch).
   *
   * @param binary true when {@code ce} was assembled from {@code ce-*} headers and the body
   */
  Validation validate(EventValidator envelope, JsonNode ce, String prefix, boolean binary) {
    if (!ce.isObject()) {
      return new Validation.Invalid(null, null, null, List.of(new FieldError(prefix,
          "must be a CloudEvent (a JSON object), not " + ce.getNodeType().name().toLowerCase(Locale.ROOT))));
    }
    List<FieldError> errors = new ArrayList<>();
    checkAttributes(ce, prefix, binary, errors);
    Validation mapped = envelope.validate(toEnvelope(ce), "");
    if (mapped instanceof Validation.Invalid bad) {
      for (FieldError e : bad.errors()) {
        errors.add(rename(e, prefix, binary));
      }
    }
    if (errors.isEmpty()) {
      return mapped;
    }
    if (mapped instanceof Validation.Invalid bad) {
      return new Validation.Invalid(bad.id(), bad.service(), bad.type(), errors);
    }
    var event = ((Validation.Valid) mapped).event();
    return new Validation.Invalid(event.id(), event.service(), event.type(), errors);
  }

  /** The CloudEvents-only rules: specversion, and attributes the envelope has no place for. */
  private static void checkAttributes(JsonNode ce, String prefix, boolean binary, List<FieldError> errors) {
    JsonNode version = ce.get("specversion");
    if (version == null) {
      errors.add(error(prefix, "specversion", binary, "required; expected \"" + SPEC_VERSION + "\""));
    } else if (!version.isTextual() || !version.asText().equals(SPEC_VERSION)) {
      errors.add(error(prefix, "specversion", binary, "must be \"" + SPEC_VERSION
          + "\"; this hub speaks CloudEvents " + SPEC_VERSION + ", not " + abbreviate(version.toString())));
    }
    JsonNode contentType = ce.get("datacontenttype");
    if (contentType != null && !(contentType.isTextual() && isJson(contentType.asText()))) {
      errors.add(error(prefix, "datacontenttype", binary, "must be application/json or a +json type, not "
          + abbreviate(contentType.toString()) + "; the hub stores data as a JSON object"));
    }
    for (Iterator<String> names = ce.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (MAPPED.containsKey(name) || TOLERATED.contains(name)) {
        continue;
      }
      String why = switch (name) {
        case "data_base64" -> "binary data is not accepted; send data as a JSON object with a JSON datacontenttype";
        case "dataschema" -> "is not stored by this hub, so it is refused rather than dropped; leave it out";
        default -> "unknown attribute, refused rather than dropped; " + KNOWN;
      };
      errors.add(error(prefix, name, binary, why));
    }
  }

  /** The envelope the attributes map to; absent attributes stay absent so that the envelope rules name them. */
  private ObjectNode toEnvelope(JsonNode ce) {
    ObjectNode envelope = json.objectNode();
    copy(ce, "id", envelope);
    ObjectNode meta = envelope.putObject("meta");
    copy(ce, "source", meta, "service");
    copy(ce, "type", meta, "type");
    copy(ce, "time", meta, "created_at");
    copy(ce, "subject", meta, "aggregate_id");
    copy(ce, "correlationid", meta, "correlation_id");
    JsonNode data = ce.get("data");
    // CloudEvents make data optional; the envelope's "none" is the empty object.
    envelope.set("payload", data == null ? json.objectNode() : data);
    return envelope;
  }

  private static void copy(JsonNode from, String name, ObjectNode to) {
    copy(from, name, to, name);
  }

  private static void copy(JsonNode from, String name, ObjectNode to, String as) {
    JsonNode value = from.get(name);
    if (value != null) {
      to.set(as, value);
    }
  }

  /** An envelope error renamed to the CloudEvents attribute it came from. */
  private static FieldError rename(FieldError e, String prefix, boolean binary) {
    for (Map.Entry<String, String> m : MAPPED.entrySet()) {
      String field = m.getValue();
      if (e.pointer().equals(field) || e.pointer().startsWith(field + "/")) {
        String rest = e.pointer().substring(field.length());
        String detail = binary ? (m.getKey().equals("data") ? "body: " : "header ce-" + m.getKey() + ": ") + e.detail()
            : e.detail();
        return new FieldError(prefix + "/" + m.getKey() + rest, detail);
      }
    }
    // Every envelope field we build comes from a mapped attribute; anything else is reported as is.
    return new FieldError(prefix + e.pointer(), e.detail());
  }

  private static FieldError error(String prefix, String attribute, boolean binary, String detail) {
    return new FieldError(prefix + "/" + FieldError.token(attribute),
        binary ? (attribute.equals("datacontenttype") ? "header Content-Type: " : "header ce-" + attribute + ": ") + detail
            : detail);
  }

  /** True for {@code application/json} and {@code type/subtype+json}, parameters allowed. */
  static boolean isJson(String mediaType) {
    String type = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    int slash = type.indexOf('/');
    return type.equals("application/json")
        || (slash > 0 && slash < type.length() - 1 && type.endsWith("+json") && type.indexOf('/', slash + 1) < 0);
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }
}
