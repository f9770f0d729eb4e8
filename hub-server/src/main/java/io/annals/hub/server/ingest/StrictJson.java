package io.annals.hub.server.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The JSON reader for submitted events. A source of truth must not guess: duplicate keys, trailing
 * garbage, non-standard JSON are errors; decimals are kept exactly as sent (scale included); depth
 * and string length are bounded so that a hostile body costs bounded memory and stack.
 */
public final class StrictJson {

  /** Deepest nesting accepted, counting the batch array and the event object. */
  public static final int MAX_NESTING_DEPTH = 64;
  /** Longest string value accepted, in characters. */
  public static final int MAX_STRING_LENGTH = 1_000_000;

  private StrictJson() {}

  /** A new mapper with the strict settings above. */
  public static ObjectMapper mapper() {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .maxNameLength(10_000)
            .maxNumberLength(1_000)
            .build())
        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        // Both are needed to keep "3.0000" as 3.0000: the factory alone still strips zeros.
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
        .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
        .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
        .build();
  }
}
