package io.annals.hub.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A readable request body split into the documents that should each be an event.
 *
 * @param format how the request carried its events, which decides the shape of the answer
 * @param items the documents in request order
 * @param form what the documents are: native envelopes or CloudEvents, which decides how they are
 *     validated and how bad fields are named
 */
public record Submission(Format format, List<Item> items, Form form) {

  public Submission {
    items = List.copyOf(items);
    java.util.Objects.requireNonNull(form, "form");
  }

  /** Native envelopes. */
  public Submission(Format format, List<Item> items) {
    this(format, items, Form.NATIVE);
  }

  /** What each document is. */
  public enum Form {
    /** The envelope of DESIGN.md. */
    NATIVE,
    /** A CloudEvent in its JSON form (structured or batch mode); errors name its members. */
    CLOUDEVENT,
    /** A CloudEvent assembled from {@code ce-*} headers and the body; errors name the headers. */
    CLOUDEVENT_BINARY
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
