package io.annals.hub.server.ingest;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.AppendResult;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ingestion: reads a request, validates each event, stores the valid ones through the group
 * committer and reports one result per event. An unreadable request throws
 * {@link RequestRejectedException} before anything is stored; a store that does not answer throws
 * {@code StoreUnavailableException}.
 */
public final class IngestService {

  private final RequestReader reader;
  private final EventValidator validator;
  private final GroupCommitter committer;
  private final HubMetrics metrics;

  public IngestService(RequestReader reader, EventValidator validator, GroupCommitter committer, HubMetrics metrics) {
    this.reader = reader;
    this.validator = validator;
    this.committer = committer;
    this.metrics = metrics;
  }

  /** Reads, validates and stores the events of one request body. */
  public IngestResponse ingest(String contentType, long contentLength, InputStream body) {
    Submission submission = reader.read(contentType, contentLength, body);
    List<Validation> validations = new ArrayList<>(submission.items().size());
    List<Event> valid = new ArrayList<>();
    for (Submission.Item item : submission.items()) {
      Validation v = validator.validate(item.node(), item.pointerPrefix());
      validations.add(v);
      if (v instanceof Validation.Valid ok) {
        valid.add(ok.event());
      }
    }
    List<AppendResult> appended = valid.isEmpty() ? List.of() : committer.append(valid);
    List<EventResult> results = new ArrayList<>(validations.size());
    int next = 0;
    for (int i = 0; i < validations.size(); i++) {
      int line = submission.items().get(i).line();
      if (validations.get(i) instanceof Validation.Valid ok) {
        AppendResult r = appended.get(next++);
        results.add(new EventResult(r.outcome(), ok.event().id(), ok.event(), r.stored(), List.of(), line));
        record(r, ok.event());
      } else {
        Validation.Invalid bad = (Validation.Invalid) validations.get(i);
        results.add(new EventResult(Outcome.INVALID, bad.id(), null, null, bad.errors(), line));
        metrics.event(Outcome.INVALID, bad.service(), bad.type());
      }
    }
    return new IngestResponse(submission.format(), results);
  }

  private void record(AppendResult r, Event event) {
    metrics.event(r.outcome(), event.service(), event.type());
    if (r.outcome() == Outcome.CREATED) {
      metrics.arrivalDelay(event.service(), Duration.between(event.createdAt(), r.stored().receivedAt()));
    }
  }
}
