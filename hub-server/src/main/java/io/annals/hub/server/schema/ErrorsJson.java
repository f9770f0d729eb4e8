package io.annals.hub.server.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.annals.hub.server.ingest.FieldError;
import java.util.ArrayList;
import java.util.List;

/** A quarantined event's errors as the adapters store them: a JSON array of {@code {pointer, detail}}. */
public final class ErrorsJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ErrorsJson() {}

  public static String write(List<FieldError> errors) {
    ArrayNode array = MAPPER.createArrayNode();
    for (FieldError e : errors) {
      array.addObject().put("pointer", e.pointer()).put("detail", e.detail());
    }
    return array.toString();
  }

  public static List<FieldError> read(String json) {
    try {
      List<FieldError> errors = new ArrayList<>();
      for (JsonNode e : MAPPER.readTree(json)) {
        errors.add(new FieldError(e.path("pointer").asText(), e.path("detail").asText()));
      }
      return errors;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored quarantine errors are not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
