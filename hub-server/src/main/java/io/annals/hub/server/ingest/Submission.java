package io.annals.hub.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A readable request body split into the documents that should each be an event.
 *
 * @param format how the request carried its events, which decides the shape of the answer
 * @param items the documents in request order
 */
public record Submission(Format format, List<Item> items) {

  public Submission {
    items = List.copyOf(items);
  }

  /** How the events came. */
  public enum Format {
    /** One JSON object: answered with the event's own status. */
    SINGLE,
    /** A JSON array: answered 200 with one result per element. */
    BATCH,
    /** NDJSON lines: answered 200 with one result per non-blank line. */
    NDJSON
  }

  /**
   * One document.
   *
   * @param pointerPrefix prepended to field pointers: {@code ""} for a single event or an NDJSON
   *     line, {@code "/3"} for the fourth element of a batch
   * @param line the 1-based NDJSON line number, or 0 for JSON bodies
   */
  public record Item(JsonNode node, String pointerPrefix, int line) {}
}
