package io.annals.hub.server.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.annals.hub.server.ingest.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles payload schemas with networknt json-schema-validator (JSON Schema 2020-12) and checks
 * payloads against them. A schema is checked first against the 2020-12 meta-schema (bundled in the
 * library's jar, never fetched) and refused when any {@code $ref}, {@code $dynamicRef} or
 * {@code $id} points outside the schema itself: the hub never fetches anything a schema names (a
 * registration could otherwise make it call any address, SSRF).
 */
public final class SchemaCompiler {

  static final String META_2020_12 = SchemaId.V202012;
  private static final Set<String> REFERENCES = Set.of("$ref", "$dynamicRef", "$recursiveRef");
  /** The first failures reported of one payload: enough to fix it, bounded for the answer. */
  static final int MAX_ERRORS = 20;
  /** Decimals stay BigDecimal, so that a schema's bounds apply to the number as sent. */
  private static final com.fasterxml.jackson.databind.ObjectMapper PAYLOADS = new com.fasterxml.jackson.databind.ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  // The library's default loaders: the meta-schemas come from its jar; anything else a schema could
  // name is refused before the library sees the schema (outsideReferences).
  private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER)
      .formatAssertionsEnabled(true).build();
  private final JsonSchema meta = factory.getSchema(SchemaLocation.of(META_2020_12), config);

  /**
   * The schema ready to validate payloads.
   *
   * @throws SchemaRefusedException with the bad members by pointer ({@code /schema/...}) when the
   *     schema is not a 2020-12 schema, or names anything outside itself
   */
  public JsonSchema compile(JsonNode schema) {
    if (!schema.isObject()) {
      throw new SchemaRefusedException(List.of(new FieldError("/schema", "must be a JSON Schema object")));
    }
    List<FieldError> errors = new ArrayList<>();
    JsonNode declared = schema.get("$schema");
    if (declared != null && !(declared.isTextual() && declared.asText().equals(META_2020_12))) {
      errors.add(new FieldError("/schema/$schema", "must be " + META_2020_12 + " (JSON Schema 2020-12) or absent"));
    }
    outsideReferences(schema, "/schema", errors);
    if (!errors.isEmpty()) {
      throw new SchemaRefusedException(errors);
    }
    for (ValidationMessage m : meta.validate(schema)) {
      errors.add(new FieldError("/schema" + m.getInstanceLocation(), detail(m)));
      if (errors.size() >= MAX_ERRORS) {
        break;
      }
    }
    if (!errors.isEmpty()) {
      throw new SchemaRefusedException(errors);
    }
    try {
      JsonSchema compiled = factory.getSchema(schema, config);
      compiled.initializeValidators(); // resolves every (local) $ref now, not at the first event
      return compiled;
    } catch (JsonSchemaException | IllegalArgumentException | IllegalStateException e) {
      throw new SchemaRefusedException(List.of(new FieldError("/schema", "cannot be compiled: " + e.getMessage())));
    }
  }

  /** The payload's failures against {@code schema}, pointers below {@code base} ({@code /payload/amount}); empty when it passes. */
  public List<FieldError> check(JsonSchema schema, JsonNode payload, String base) {
    Set<ValidationMessage> messages = schema.validate(payload);
    if (messages.isEmpty()) {
      return List.of();
    }
    List<FieldError> errors = new ArrayList<>(Math.min(messages.size(), MAX_ERRORS));
    for (ValidationMessage m : messages) {
      errors.add(new FieldError(base + m.getInstanceLocation(), detail(m)));
      if (errors.size() >= MAX_ERRORS) {
        break;
      }
    }
    return errors;
  }

  /** The payload text parsed, for {@link #check(JsonSchema, JsonNode, String)}. */
  public static JsonNode parse(String json) {
    try {
      return PAYLOADS.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a stored payload is not JSON: " + e.getMessage(), e);
    }
  }

  /** The message without the location the library puts in front of it. */
  private static String detail(ValidationMessage m) {
    String text = m.getMessage();
    String location = m.getInstanceLocation().toString();
    if (text.startsWith(location + ": ")) {
      return text.substring(location.length() + 2);
    }
    return text.startsWith(": ") ? text.substring(2) : text;
  }

  /** Every reference or id in {@code node} that is not a fragment of this schema ({@code #...}). */
  private static void outsideReferences(JsonNode node, String pointer, List<FieldError> errors) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String at = pointer + "/" + f.getKey().replace("~", "~0").replace("/", "~1");
        JsonNode v = f.getValue();
        if (REFERENCES.contains(f.getKey()) && v.isTextual() && !v.asText().startsWith("#")) {
          errors.add(new FieldError(at, "only references within the schema (#...) are allowed; the hub never fetches "
              + v.asText()));
        } else if (f.getKey().equals("$id") && v.isTextual() && !v.asText().startsWith("#")) {
          errors.add(new FieldError(at, "$id is not allowed: a schema is identified by its service, type and version"));
        } else {
          outsideReferences(v, at, errors);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        outsideReferences(node.get(i), pointer + "/" + i, errors);
      }
    }
  }
}
