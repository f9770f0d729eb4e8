package io.annals.hub.server.ingest;

import java.util.List;

/** The results of one {@code POST /events}, in request order, and the format they came in. */
public record IngestResponse(Submission.Format format, List<EventResult> results) {

  public IngestResponse {
    results = List.copyOf(results);
  }
}
