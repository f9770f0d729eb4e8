package io.annals.hub.client.internal.delivery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The SDK's one JSON configuration: decimals kept exactly as written ({@code BigDecimal}, never
 * a double), dates as ISO-8601 text. The mapper itself stays private, because an {@code
 * ObjectMapper} can be reconfigured by whoever holds it; the SDK's classes read and write through
 * the immutable {@link #READER} and {@link #WRITER}, which are thread-safe.
 */
public final class Json {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  /** Reads JSON text (trees and token streams), decimals exact. */
  public static final ObjectReader READER = MAPPER.reader();

  /** Writes trees and values as compact JSON. */
  public static final ObjectWriter WRITER = MAPPER.writer();

  private Json() {}

  /** A new empty JSON object whose decimals stay exact. */
  public static ObjectNode object() {
    return MAPPER.getNodeFactory().objectNode();
  }

  /**
   * {@code value} (a {@code Map}, a record, any object Jackson can serialise) as a tree.
   *
   * @throws IllegalArgumentException when Jackson cannot serialise it
   */
  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }
}
