package io.annals.hub.server.auth;

import com.fasterxml.jackson.core.StreamReadConstraints;
import java.util.Objects;

/**
 * How much one request may hold and how often a caller may send one: the bounds that keep an
 * oversized or hostile request from exhausting the hub. The JSON bounds are enforced by the parser
 * itself through {@link #streamReadConstraints()}; the others by the HTTP and ingestion layers.
 *
 * @param maxBodyBytes largest request body in bytes; larger answers 413
 * @param maxEventsPerRequest most events in one batch or NDJSON request; more answers 413
 * @param maxEventBytes largest single event as sent (its JSON text, or its NDJSON line); a larger
 *     event is {@code invalid}
 * @param maxNestingDepth deepest nesting of JSON arrays and objects in a request body, counting the
 *     batch array and the event object
 * @param maxStringLength longest JSON string value, in characters
 * @param rate the request budget of each API key (and of each address without one)
 */
public record RequestLimits(
    long maxBodyBytes,
    int maxEventsPerRequest,
    int maxEventBytes,
    int maxNestingDepth,
    int maxStringLength,
    Rate rate) {

  /** Longest property name, as in {@code StrictJson}; lower when {@code maxStringLength} is lower. */
  private static final int MAX_NAME_LENGTH = 10_000;

  /**
   * 10 MiB bodies, 10,000 events a request (the DESIGN.md floor is 1,000 and 10 MiB), 1 MiB per
   * event, nesting 64 deep, strings of 1,000,000 characters (the body, batch and JSON bounds are
   * those {@code IngestLimits} and {@code StrictJson} already use), and {@link Rate#defaults()}.
   */
  public static RequestLimits defaults() {
    return new RequestLimits(10L * 1024 * 1024, 10_000, 1024 * 1024, 64, 1_000_000, Rate.defaults());
  }

  /** @throws IllegalArgumentException naming the bound that is out of range */
  public RequestLimits {
    Objects.requireNonNull(rate, "rate");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 1, was: " + maxBodyBytes);
    }
    if (maxEventsPerRequest < 1) {
      throw new IllegalArgumentException("maxEventsPerRequest must be at least 1, was: " + maxEventsPerRequest);
    }
    if (maxEventBytes < 1 || maxEventBytes > maxBodyBytes) {
      throw new IllegalArgumentException("maxEventBytes must be between 1 and maxBodyBytes (" + maxBodyBytes
          + "), was: " + maxEventBytes);
    }
    // A batch array holding an event object holding meta and payload objects is 3 levels deep.
    if (maxNestingDepth < 3) {
      throw new IllegalArgumentException("maxNestingDepth must be at least 3 (a batch of events with flat"
          + " payloads), was: " + maxNestingDepth);
    }
    if (maxStringLength < 1) {
      throw new IllegalArgumentException("maxStringLength must be at least 1, was: " + maxStringLength);
    }
  }

  public RequestLimits withRate(Rate newRate) {
    return new RequestLimits(maxBodyBytes, maxEventsPerRequest, maxEventBytes, maxNestingDepth, maxStringLength, newRate);
  }

  /**
   * The parser bounds for request bodies: nesting depth, string length, and a document length of
   * {@code maxBodyBytes}, so that a streamed body the HTTP layer did not measure is still bounded.
   * Apply with {@code JsonFactory.builder().streamReadConstraints(limits.streamReadConstraints())}.
   */
  public StreamReadConstraints streamReadConstraints() {
    return StreamReadConstraints.builder()
        .maxNestingDepth(maxNestingDepth)
        .maxStringLength(maxStringLength)
        .maxNameLength(Math.min(maxStringLength, MAX_NAME_LENGTH))
        .maxNumberLength(StreamReadConstraints.DEFAULT_MAX_NUM_LEN)
        .maxDocumentLength(maxBodyBytes)
        .build();
  }
}
