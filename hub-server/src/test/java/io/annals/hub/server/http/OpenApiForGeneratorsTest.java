package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shapes that made generated clients fail (issue 27) stay out of the document, also in paths
 * added later: {@code GeneratedClientsTest} (module client-generation) proves the clients work;
 * this names the rule a new path breaks, in hub-server's own tests.
 */
class OpenApiForGeneratorsTest {

  private final JsonNode document = OpenApiContract.load().document();

  @Test
  void no_ref_has_sibling_keywords() {
    List<String> found = new ArrayList<>();
    walk(document, "", (path, node) -> {
      if (node.has("$ref") && node.size() > 1) {
        found.add(path);
      }
    });
    assertThat(found).as("use allOf: [{$ref}, {...}] instead").isEmpty();
  }

  @Test
  void nullable_values_are_type_lists_not_one_of_with_null() {
    List<String> found = new ArrayList<>();
    walk(document, "", (path, node) -> {
      for (String combinator : List.of("oneOf", "anyOf")) {
        for (JsonNode alternative : node.path(combinator)) {
          if (alternative.path("type").asText().equals("null")) {
            found.add(path + "/" + combinator);
          }
        }
      }
    });
    assertThat(found).as("write type: [<type>, null]").isEmpty();
  }

  @Test
  void every_request_and_answer_body_has_one_shape_per_media_type() {
    List<String> found = new ArrayList<>();
    document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      List<JsonNode> bodies = new ArrayList<>();
      op.getValue().path("requestBody").path("content").forEach(bodies::add);
      op.getValue().path("responses").forEach(response -> response.path("content").forEach(bodies::add));
      for (JsonNode body : bodies) {
        JsonNode schema = body.path("schema");
        if ((schema.has("oneOf") || schema.has("anyOf")) && !schema.has("discriminator")) {
          found.add(op.getKey().toUpperCase() + " " + path.getKey());
        }
      }
    }));
    assertThat(found).as("a generator cannot tell alternatives apart: make separate operations").isEmpty();
  }

  @Test
  void times_the_hub_writes_keep_their_microseconds_as_strings() {
    JsonNode time = document.path("components").path("schemas").path("Time");
    assertThat(time.path("type").asText()).isEqualTo("string");
    assertThat(time.has("format")).as("format: date-time makes generators parse it into lossy types").isFalse();
  }

  @Test
  void security_is_optional_as_on_a_hub_without_keys() {
    assertThat(document.path("security").toString()).isEqualTo("[{\"apiKey\":[]},{}]");
  }

  interface Visitor {
    void visit(String path, JsonNode node);
  }

  private static void walk(JsonNode node, String path, Visitor visitor) {
    if (node.isObject()) {
      visitor.visit(path, node);
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        walk(field.getValue(), path + "/" + field.getKey(), visitor);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "/" + i, visitor);
      }
    }
  }
}
