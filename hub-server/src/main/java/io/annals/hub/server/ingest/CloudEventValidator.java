package io.annals.hub.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.event.Extensions;
import io.annals.hub.wire.WireTime;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Checks one CloudEvent 1.0 (its JSON form, or the same object assembled from binary-mode headers
 * and body) and turns it into the native envelope, which {@link EventValidator} then checks like
 * any other event: same rules, same outcomes, same idempotency. Every CloudEvent the spec calls
 * valid is accepted (README, "CloudEvents"); errors name CloudEvents attributes, not envelope
 * fields ({@code /source}, not {@code /meta/service}); in binary mode the detail also names the
 * header ({@code header ce-source: required; ...}).
 *
 * <p>Mapping: {@code id}→{@code id} when it is a UUID, else the UUIDv5 of {@link #ID_NAMESPACE}
 * and {@code source NUL id} (the original in {@code meta.extensions.ce_id});
 * {@code source}→{@code meta.service}, {@code type}→{@code meta.type}, {@code time}→{@code
 * meta.created_at} (absent: the hub's clock), {@code subject}→{@code meta.aggregate_id} (absent:
 * {@code source}), extension {@code correlationid}→{@code meta.correlation_id}, every other
 * extension and {@code dataschema}→{@code meta.extensions}, {@code data}→{@code payload} (see
 * {@link Extensions#CE_DATA} for data that is not a JSON object). The extension {@code receivedat}
 * (which the hub writes) is ignored like {@code meta.received_at}.
 */
final class CloudEventValidator {

  /** The only CloudEvents version this hub speaks. */
  static final String SPEC_VERSION = "1.0";
  /**
   * The namespace of the UUIDv5 (RFC 9562) that is the hub's id of a CloudEvent whose id is not a
   * UUID; the name is the UTF-8 bytes of {@code source}, one 0x00 byte, then the UTF-8 bytes of
   * {@code id} (a source never holds a control character, so the split is unambiguous).
   */
  static final UUID ID_NAMESPACE = UUID.fromString("9c3eaa74-ba8d-4a3a-a21b-6e49a070125d");
  /** Longest {@code id}, as long as the longest {@code aggregate_id}. */
  static final int MAX_ID_LENGTH = EventValidator.MAX_ID_LENGTH;

  /** Attributes with a place of their own; everything else is an extension. */
  private static final Set<String> CORE = Set.of("specversion", "id", "source", "type", "time", "subject",
      "datacontenttype", "dataschema", "data", "data_base64", "correlationid", "receivedat");
  /** Envelope field → the CloudEvents attribute it came from, for naming errors. */
  private static final Map<String, String> FROM = Map.of(
      "/id", "id",
      "/meta/service", "source",
      "/meta/type", "type",
      "/meta/created_at", "time",
      "/meta/aggregate_id", "subject",
      "/meta/correlation_id", "correlationid",
      "/meta/extensions/" + Extensions.CE_ID, "id",
      "/meta/extensions/" + Extensions.CE_DATACONTENTTYPE, "datacontenttype",
      "/payload/data_base64", "data_base64",
      "/payload", "data");

  private final JsonNodeFactory json = JsonNodeFactory.withExactBigDecimals(true);

  /**
   * Validates {@code ce}; pointers start with {@code prefix} ({@code ""}, or {@code "/3"} in a batch).
   *
   * @param binary true when {@code ce} was assembled from {@code ce-*} headers and the body
   */
  Validation validate(EventValidator envelope, JsonNode ce, String prefix, boolean binary) {
    if (!ce.isObject()) {
      return new Validation.Invalid(null, null, null, List.of(new FieldError(prefix,
          "must be a CloudEvent (a JSON object), not " + kind(ce))));
    }
    List<FieldError> errors = new ArrayList<>();
    Mapped mapped = toEnvelope(envelope, ce, prefix, binary, errors);
    Validation checked = envelope.validate(mapped.envelope, "");
    if (checked instanceof Validation.Invalid bad) {
      for (FieldError e : bad.errors()) {
        if (!(mapped.idReported && e.pointer().equals("/id"))
            && !(mapped.subjectFromSource && e.pointer().startsWith("/meta/aggregate_id"))) {
          errors.add(rename(e, prefix, binary));
        }
      }
    }
    if (errors.isEmpty()) {
      return checked;
    }
    if (checked instanceof Validation.Invalid bad) {
      return new Validation.Invalid(bad.id(), bad.service(), bad.type(), errors);
    }
    var event = ((Validation.Valid) checked).event();
    return new Validation.Invalid(event.id(), event.service(), event.type(), errors);
  }

  /** The envelope, and whether an error of its own already named {@code id}, or {@code subject} is the source. */
  private record Mapped(ObjectNode envelope, boolean idReported, boolean subjectFromSource) {}

  private Mapped toEnvelope(EventValidator envelope, JsonNode ce, String prefix, boolean binary, List<FieldError> errors) {
    JsonNode version = present(ce, "specversion");
    if (version == null) {
      errors.add(error(prefix, "specversion", binary, "required; expected \"" + SPEC_VERSION + "\""));
    } else if (!version.isTextual() || !version.asText().equals(SPEC_VERSION)) {
      errors.add(error(prefix, "specversion", binary, "must be \"" + SPEC_VERSION
          + "\"; this hub speaks CloudEvents " + SPEC_VERSION + ", not " + abbreviate(version.toString())));
    }
    ObjectNode env = json.objectNode();
    ObjectNode meta = env.putObject("meta");
    ObjectNode ext = json.objectNode();
    List<String> absent = new ArrayList<>();
    extensions(ce, prefix, binary, ext, errors);

    boolean idReported = !id(ce, prefix, binary, env, ext, errors);
    copy(ce, "source", meta, "service");
    copy(ce, "type", meta, "type");
    if (present(ce, "time") == null) {
      absent.add("time");
      meta.put("created_at", WireTime.format(envelope.now()));
    } else {
      copy(ce, "time", meta, "created_at");
    }
    boolean subjectFromSource = present(ce, "subject") == null;
    if (subjectFromSource) {
      absent.add("subject");
      copy(ce, "source", meta, "aggregate_id");
    } else {
      copy(ce, "subject", meta, "aggregate_id");
    }
    copy(ce, "correlationid", meta, "correlation_id");
    JsonNode contentType = present(ce, "datacontenttype");
    if (contentType == null) {
      absent.add("datacontenttype");
    } else if (!contentType.isTextual() || contentType.asText().isEmpty()) {
      errors.add(error(prefix, "datacontenttype", binary, "must be a non-empty string (a media type), not "
          + abbreviate(contentType.toString())));
    } else if (!contentType.asText().equals("application/json")) {
      ext.put(Extensions.CE_DATACONTENTTYPE, contentType.asText());
    }
    JsonNode schema = present(ce, "dataschema");
    if (schema != null) {
      if (schema.isTextual() && !schema.asText().isEmpty()) {
        ext.put("dataschema", schema.asText());
      } else {
        errors.add(error(prefix, "dataschema", binary, "must be a non-empty string (a URI)"));
      }
    }
    data(ce, prefix, binary, env, ext, absent, errors);
    if (!absent.isEmpty()) {
      ext.put(Extensions.CE_ABSENT, String.join(" ", absent));
    }
    if (!ext.isEmpty()) {
      meta.set("extensions", ext);
    }
    return new Mapped(env, idReported, subjectFromSource);
  }

  /** Every attribute without a place of its own, as a string extension; false names and types are errors. */
  private static void extensions(JsonNode ce, String prefix, boolean binary, ObjectNode ext, List<FieldError> errors) {
    for (Iterator<Map.Entry<String, JsonNode>> it = ce.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode value = f.getValue();
      if (CORE.contains(name)) {
        continue;
      }
      if (!Extensions.NAME.matcher(name).matches() || name.length() > Extensions.MAX_NAME_LENGTH) {
        errors.add(error(prefix, name, binary, "not a CloudEvents attribute name: lower-case letters a-z and digits"
            + " only, at most " + Extensions.MAX_NAME_LENGTH + " characters"));
      } else if (value.isNull()) {
        continue; // the JSON format's null is an absent attribute
      } else if (value.isTextual() || value.isBoolean() || (value.isIntegralNumber() && value.canConvertToInt())) {
        // CloudEvents' canonical string form of an Integer or Boolean, as binary mode carries them.
        ext.put(name, value.asText());
      } else {
        errors.add(error(prefix, name, binary, "must be a string, an integer (32-bit) or a boolean, not "
            + kind(value)));
      }
    }
  }

  /** The hub's id for {@code id}; false when {@code id} itself is wrong (and said so). */
  private static boolean id(JsonNode ce, String prefix, boolean binary, ObjectNode env, ObjectNode ext,
      List<FieldError> errors) {
    JsonNode id = present(ce, "id");
    String problem = id == null ? "required; expected a non-empty string"
        : !id.isTextual() ? "must be a string, not " + kind(id)
        : id.asText().isEmpty() || id.asText().length() > MAX_ID_LENGTH
            ? "must be a non-empty string of at most " + MAX_ID_LENGTH + " characters"
        : EventValidator.hasControlCharacter(id.asText()) ? "must not contain control characters"
        : null;
    if (problem != null) {
      errors.add(error(prefix, "id", binary, problem));
      return false;
    }
    String original = id.asText();
    JsonNode source = ce.get("source");
    String hubId = EventValidator.isUuid(original) ? original.toLowerCase(Locale.ROOT)
        : hubId(source != null && source.isTextual() ? source.asText() : "", original).toString();
    env.put("id", hubId);
    if (!hubId.equals(original)) {
      ext.put(Extensions.CE_ID, original);
    }
    return true;
  }

  /** The UUIDv5 of {@link #ID_NAMESPACE} and {@code source 0x00 id} (RFC 9562, section 5.5). */
  static UUID hubId(String source, String id) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-1", e);
    }
    sha1.update(java.nio.ByteBuffer.allocate(16).putLong(ID_NAMESPACE.getMostSignificantBits())
        .putLong(ID_NAMESPACE.getLeastSignificantBits()).array());
    sha1.update(source.getBytes(StandardCharsets.UTF_8));
    sha1.update((byte) 0);
    byte[] h = sha1.digest(id.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0f) | 0x50); // version 5
    h[8] = (byte) ((h[8] & 0x3f) | 0x80); // the RFC's variant
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(h, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }

  /**
   * The payload: a JSON object as itself; any other JSON value (or a string of a non-JSON
   * datacontenttype) as {@code {"data": value}}; {@code data_base64} (and a binary-mode body that
   * is not JSON) as {@code {"data_base64": canonical Base64}}, unless its datacontenttype is text
   * ({@link #isText}) and the bytes are UTF-8: then as the string {@code {"data": text}}; no data as {@code {}}.
   */
  private void data(JsonNode ce, String prefix, boolean binary, ObjectNode env, ObjectNode ext, List<String> absent,
      List<FieldError> errors) {
    JsonNode data = present(ce, "data");
    JsonNode base64 = present(ce, "data_base64");
    env.putObject("payload"); // replaced below; an error here is named once, by its attribute
    if (data != null && base64 != null) {
      errors.add(error(prefix, "data_base64", binary, "a CloudEvent has data or data_base64, not both"));
      return;
    }
    if (base64 != null) {
      byte[] bytes = base64.isTextual() ? decode(base64.asText()) : null;
      if (bytes == null) {
        errors.add(error(prefix, "data_base64", binary, "must be a Base64 string (RFC 4648)"));
        return;
      }
      JsonNode contentType = present(ce, "datacontenttype");
      String text = contentType != null && contentType.isTextual() && isText(contentType.asText()) ? utf8(bytes) : null;
      if (text != null) {
        // Text is text however it came (a binary-mode body, data_base64 or a JSON string): the
        // JSON format's string form, so every mode stores, compares and gives back the same thing.
        env.putObject("payload").put("data", text);
        ext.put(Extensions.CE_DATA, Extensions.DATA_JSON);
      } else {
        env.putObject("payload").put("data_base64", Base64.getEncoder().encodeToString(bytes));
        ext.put(Extensions.CE_DATA, Extensions.DATA_BASE64);
      }
    } else if (data == null) {
      absent.add("data"); // the payload stays {}, the envelope's "none"
    } else if (data.isObject()) {
      env.set("payload", data);
    } else {
      env.putObject("payload").set("data", data);
      ext.put(Extensions.CE_DATA, Extensions.DATA_JSON);
    }
  }

  /** True for {@code text/*} and XML media types: data a JSON string can carry. */
  static boolean isText(String mediaType) {
    String type = RequestReader.mediaType(mediaType);
    if (type == null) {
      return false; // blank
    }
    return type.startsWith("text/") || type.equals("application/xml") || type.endsWith("+xml");
  }

  /** The bytes as a string when they are well-formed UTF-8 without a NUL, else null (they stay bytes). */
  private static String utf8(byte[] bytes) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      return s.indexOf('\u0000') >= 0 ? null : s;
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  private static byte[] decode(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The attribute, or null when it is absent or JSON null (which the JSON format reads as absent). */
  private static JsonNode present(JsonNode ce, String name) {
    JsonNode v = ce.get(name);
    return v == null || v.isNull() ? null : v;
  }

  private static void copy(JsonNode from, String name, ObjectNode to, String as) {
    JsonNode value = present(from, name);
    if (value != null) {
      to.set(as, value);
    }
  }

  /** An envelope error renamed to the CloudEvents attribute it came from. */
  private static FieldError rename(FieldError e, String prefix, boolean binary) {
    String pointer = e.pointer();
    String attribute = FROM.get(pointer);
    String rest = "";
    if (attribute == null && pointer.startsWith("/meta/extensions/")) {
      attribute = pointer.substring("/meta/extensions/".length());
    }
    if (attribute == null && pointer.startsWith("/payload/")) {
      attribute = "data";
      rest = pointer.substring("/payload".length());
    }
    if (attribute == null) {
      // The envelope's whole-event errors (too large) and anything unforeseen keep their pointer.
      return new FieldError(prefix + pointer, e.detail());
    }
    String detail = binary ? (attribute.equals("data") ? "body: " : attribute.equals("datacontenttype")
        ? "header Content-Type: " : "header ce-" + attribute + ": ") + e.detail() : e.detail();
    return new FieldError(prefix + "/" + attribute + rest, detail);
  }

  private static FieldError error(String prefix, String attribute, boolean binary, String detail) {
    return new FieldError(prefix + "/" + FieldError.token(attribute),
        binary ? (attribute.equals("datacontenttype") ? "header Content-Type: "
            : attribute.equals("data") || attribute.equals("data_base64") ? "body: " : "header ce-" + attribute + ": ") + detail
            : detail);
  }

  /** True for {@code application/json} and {@code type/subtype+json}, parameters allowed. */
  static boolean isJson(String mediaType) {
    String type = RequestReader.mediaType(mediaType);
    if (type == null) {
      return false; // blank
    }
    int slash = type.indexOf('/');
    return type.equals("application/json")
        || (slash > 0 && slash < type.length() - 1 && type.endsWith("+json") && type.indexOf('/', slash + 1) < 0);
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
