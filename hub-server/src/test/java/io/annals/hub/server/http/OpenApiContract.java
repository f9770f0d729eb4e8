package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The committed OpenAPI document as a checker of real answers: for a request's method and path
 * template, it finds the documented response for the answer's status and media type, validates
 * the body against its schema (JSON Schema 2020-12 in the OpenAPI 3.1 dialect, formats asserted)
 * and the headers against theirs, and remembers which documented answers it has seen.
 */
final class OpenApiContract {

  /** Where the validator loads the document from; {@code $ref}s into it are rewritten to this. */
  static final String LOCATION = "classpath:openapi.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode document;
  private final JsonSchemaFactory factory;
  private final SchemaValidatorsConfig config;
  private final Set<String> seen = new TreeSet<>();
  private final AtomicLong schemas = new AtomicLong();

  private OpenApiContract(JsonNode document) {
    this.document = document;
    // The document itself is loaded as the resource that $refs point into; its OpenAPI members are not keywords.
    JsonMetaSchema dialect = JsonMetaSchema.builder(OpenApi31.getInstance())
        .keywords(Stream.of("openapi", "info", "jsonSchemaDialect", "servers", "security", "tags", "paths", "webhooks",
            "components", "externalDocs").map(NonValidationKeyword::new).toList())
        .build();
    this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
        .metaSchema(dialect)
        .defaultMetaSchemaIri(dialect.getIri()));
    this.config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  }

  /** The document as committed in {@code hub-server/src/main/resources/openapi.json}. */
  static OpenApiContract load() {
    return new OpenApiContract(parse(text()));
  }

  static String text() {
    try (InputStream in = OpenApiContract.class.getResourceAsStream(OpenApiRoutes.RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode document() {
    return document;
  }

  /**
   * Every violation of the document by {@code answer} to {@code method path}; empty when it
   * conforms. {@code path} is the template as documented ({@code /events/{id}}).
   */
  List<String> check(String method, String path, HttpResponse<byte[]> answer) {
    String where = method + " " + path + " -> " + answer.statusCode();
    List<String> violations = new ArrayList<>();
    JsonNode operation = document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
    if (operation.isMissingNode()) {
      return List.of(where + ": operation not documented");
    }
    JsonNode response = resolve(operation.path("responses").path(Integer.toString(answer.statusCode())));
    if (response.isMissingNode()) {
      return List.of(where + ": status not documented (documented: " + names(operation.path("responses")) + ")");
    }
    String mediaType = answer.headers().firstValue("Content-Type")
        .map(t -> t.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse(null);
    JsonNode content = response.path("content");
    if (mediaType == null) {
      if (!content.isMissingNode() && content.size() > 0) {
        violations.add(where + ": no Content-Type, documented " + names(content));
      }
    } else if (!content.has(mediaType)) {
      violations.add(where + ": media type " + mediaType + " not documented (documented: " + names(content) + ")");
    } else {
      seen.add(key(method, path, answer.statusCode(), mediaType));
      JsonNode body = body(mediaType, answer.body());
      if (body == null) {
        violations.add(where + ": body is not JSON: " + new String(answer.body(), StandardCharsets.UTF_8));
      } else {
        for (ValidationMessage m : schema(content.path(mediaType).path("schema")).validate(body)) {
          violations.add(where + " " + mediaType + ": " + m.getMessage());
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = response.path("headers").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> h = it.next();
      JsonNode header = resolve(h.getValue());
      Optional<String> value = answer.headers().firstValue(h.getKey());
      if (value.isEmpty()) {
        if (header.path("required").asBoolean(false)) {
          violations.add(where + ": required header " + h.getKey() + " missing");
        }
        continue;
      }
      JsonNode headerSchema = header.path("schema");
      JsonNode typed = headerSchema.path("type").asText().equals("integer") && value.get().matches("-?\\d{1,18}")
          ? JSON.getNodeFactory().numberNode(Long.parseLong(value.get())) : TextNode.valueOf(value.get());
      for (ValidationMessage m : schema(headerSchema).validate(typed)) {
        violations.add(where + " header " + h.getKey() + ": " + m.getMessage());
      }
    }
    return violations;
  }

  /** Violations of the documented request body of {@code method path} by {@code body} sent as {@code contentType}. */
  List<String> checkRequest(String method, String path, String contentType, String body) {
    String where = method + " " + path + " request as " + contentType;
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    JsonNode content = operation(method, path).path("requestBody").path("content").path(mediaType);
    if (content.isMissingNode() && !operation(method, path).path("requestBody").path("content").path("*/*").isMissingNode()) {
      return List.of(); // any bytes (CloudEvents binary-mode data): nothing to check as JSON
    }
    if (content.isMissingNode()) {
      return List.of(where + ": media type not documented");
    }
    JsonNode instance = body(mediaType, body.getBytes(StandardCharsets.UTF_8));
    if (instance == null) {
      return List.of(where + ": body is not JSON");
    }
    return schema(content.path("schema")).validate(instance).stream().map(m -> where + ": " + m.getMessage()).toList();
  }

  /** Every documented answer as {@code METHOD path status media-type}. */
  Set<String> documentedAnswers() {
    Set<String> all = new TreeSet<>();
    document.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
      if (!op.getValue().has("responses")) {
        return;
      }
      op.getValue().path("responses").fields().forEachRemaining(r -> {
        JsonNode response = resolve(r.getValue());
        response.path("content").fieldNames().forEachRemaining(type ->
            all.add(key(op.getKey().toUpperCase(Locale.ROOT), p.getKey(), Integer.parseInt(r.getKey()), type)));
      });
    }));
    return all;
  }

  /** The documented answers that {@link #check} has seen so far. */
  Set<String> seenAnswers() {
    return Set.copyOf(seen);
  }

  /** Documented operations as {@code METHOD path}. */
  Set<String> documentedOperations() {
    Set<String> all = new TreeSet<>();
    document.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
        .forEachRemaining(m -> all.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
    return all;
  }

  /** The operation object of {@code method path}. */
  JsonNode operation(String method, String path) {
    return document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
  }

  /** Violations of {@code schemaName} in components by {@code instance}. */
  List<String> validate(String schemaName, JsonNode instance) {
    ObjectNode ref = JSON.createObjectNode().put("$ref", "#/components/schemas/" + schemaName);
    return schema(ref).validate(instance).stream().map(ValidationMessage::getMessage).toList();
  }

  static String key(String method, String path, int status, String mediaType) {
    return method + " " + path + " " + status + " " + mediaType;
  }

  private JsonSchema schema(JsonNode schema) {
    // A fresh location per schema: the factory may cache by location.
    return factory.getSchema(SchemaLocation.of("urn:annals:openapi-check:" + schemas.incrementAndGet()),
        absoluteRefs(schema.deepCopy()), config);
  }

  /** Local {@code $ref}s (#/components/...) point into the document once the schema is taken out of it. */
  private static JsonNode absoluteRefs(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      JsonNode ref = object.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith("#/")) {
        object.put("$ref", LOCATION + ref.asText());
      }
      object.forEach(OpenApiContract::absoluteRefs);
    } else if (node.isArray()) {
      node.forEach(OpenApiContract::absoluteRefs);
    }
    return node;
  }

  private JsonNode resolve(JsonNode node) {
    JsonNode ref = node.get("$ref");
    if (ref == null) {
      return node;
    }
    return resolve(document.at(ref.asText().substring(1)));
  }

  private static JsonNode body(String mediaType, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (!(mediaType.endsWith("/json") || mediaType.endsWith("+json"))) {
      return TextNode.valueOf(text);
    }
    try {
      return parse(text);
    } catch (UncheckedIOException e) {
      return null;
    }
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
