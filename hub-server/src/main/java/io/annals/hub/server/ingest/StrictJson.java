package io.annals.hub.server.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.annals.hub.server.auth.RequestLimits;

/**
 * The JSON reader for submitted events. A source of truth must not guess: duplicate keys, trailing
 * garbage, non-standard JSON are errors; decimals are kept exactly as sent (scale included); depth
 * and string length are bounded so that a hostile body costs bounded memory and stack.
 */
public final class StrictJson {

  /** Deepest nesting accepted by default, counting the batch array and the event object. */
  public static final int MAX_NESTING_DEPTH = RequestLimits.defaults().maxNestingDepth();
  /** Longest string value accepted by default, in characters. */
  public static final int MAX_STRING_LENGTH = RequestLimits.defaults().maxStringLength();

  private StrictJson() {}

  /** A new mapper with the strict settings above and the default {@link RequestLimits}. */
  public static ObjectMapper mapper() {
    return mapper(RequestLimits.defaults());
  }

  /** A new mapper with the strict settings above, bounded by {@code limits}' stream read constraints. */
  public static ObjectMapper mapper(RequestLimits limits) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(limits.streamReadConstraints())
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
