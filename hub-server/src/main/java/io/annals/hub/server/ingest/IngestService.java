package io.annals.hub.server.ingest;

import io.annals.hub.server.auth.Authorizer;
import io.annals.hub.server.auth.Principal;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.AppendResult;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Ingestion: reads a request, validates each event, checks that the caller may publish it, stores
 * the valid and permitted ones through the group committer and reports one result per event. An
 * unreadable request, or one whose body the {@link BodyBudget} cannot cover now, throws
 * {@link RequestRejectedException} before anything is stored; a store
 * that does not answer throws {@code StoreUnavailableException}.
 */
public final class IngestService {

  private final RequestReader reader;
  private final EventValidator validator;
  private final GroupCommitter committer;
  private final HubMetrics metrics;
  private final BodyBudget budget;
  private final CloudEventValidator cloudEvents = new CloudEventValidator();
  private final SchemaGate schemas;

  /** @param budget bounds the bodies being read and decoded at once, across requests */
  public IngestService(RequestReader reader, EventValidator validator, GroupCommitter committer, HubMetrics metrics,
      BodyBudget budget) {
    this(reader, validator, committer, metrics, budget, SchemaGate.NONE);
  }

  /** As above, with payloads checked against the schemas of their types by {@code schemas}. */
  public IngestService(RequestReader reader, EventValidator validator, GroupCommitter committer, HubMetrics metrics,
      BodyBudget budget, SchemaGate schemas) {
    this.schemas = schemas;
    this.reader = reader;
    this.validator = validator;
    this.committer = committer;
    this.metrics = metrics;
    this.budget = budget;
  }

  /**
   * Reads, validates and stores the events of one request body on behalf of {@code caller}. An
   * event whose {@code meta.service} the caller may not publish ({@link Authorizer#mayPublish}) is
   * {@code forbidden}: decided before the store is asked about its id, so the answer tells nothing
   * about what is stored. A {@code conflict} shows the stored event only to a caller who may
   * publish the stored event's service. Any {@code ce-*} header (names in lower case) makes the
   * request a binary-mode CloudEvent.
   *
   * <p>The body is read and validated on the calling thread, which throws
   * {@link RequestRejectedException} for what is refused before anything is stored; the answer
   * completes once the permitted events are committed (on the committer's answering thread), or
   * fails as {@link GroupCommitter#appendAsync} does.
   */
  public CompletableFuture<IngestResponse> ingest(Principal caller, String contentType, long contentLength,
      InputStream body, Map<String, String> ceHeaders) {
    Objects.requireNonNull(caller, "caller");
    // What is refused unread is refused before the budget is asked, so that 415 and 413 stay what they are.
    reader.check(contentType, contentLength, ceHeaders);
    // Held until the events are stored: the decoded events cost memory until then.
    BodyBudget.Lease lease = budget.lease(contentLength);
    CompletableFuture<IngestResponse> answer;
    try {
      answer = ingest(caller, reader.read(contentType, contentLength, lease.meter(body), ceHeaders, lease));
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
    return answer.whenComplete((response, failure) -> lease.close());
  }

  private CompletableFuture<IngestResponse> ingest(Principal caller, Submission submission) {
    List<Validation> validations = new ArrayList<>(submission.items().size());
    List<Event> permitted = new ArrayList<>();
    SchemaGate.Rejection[] rejected = new SchemaGate.Rejection[submission.items().size()];
    List<Event> quarantined = new ArrayList<>();
    List<SchemaGate.Rejection> why = new ArrayList<>();
    for (Submission.Item item : submission.items()) {
      Validation v = submission.form() == Submission.Form.NATIVE ? validator.validate(item.node(), item.pointerPrefix())
          : cloudEvents.validate(validator, item.node(), item.pointerPrefix(), submission.form() == Submission.Form.CLOUDEVENT_BINARY);
      if (v instanceof Validation.Valid ok && Authorizer.mayPublish(caller, ok.event().service())) {
        // The schema is asked only once the caller may publish: a refusal tells nothing about schemas otherwise.
        SchemaGate.Rejection r = schemas.check(ok.event());
        if (r == null) {
          permitted.add(ok.event());
        } else if (r.quarantine()) {
          rejected[validations.size()] = r;
          quarantined.add(ok.event());
          why.add(r);
        } else {
          Event e = ok.event();
          v = new Validation.Invalid(e.id(), e.service(), e.type(), payloadErrors(submission, item, r));
        }
      }
      validations.add(v);
    }
    if (!quarantined.isEmpty()) {
      schemas.quarantine(quarantined, why);
    }
    if (permitted.isEmpty()) {
      return CompletableFuture.completedFuture(response(caller, submission, validations, rejected, List.of()));
    }
    return committer.appendAsync(permitted)
        .thenApply(appended -> response(caller, submission, validations, rejected, appended));
  }

  /** One result per item of {@code submission}; {@code appended} holds the store's answers for the permitted events, in order. */
  private IngestResponse response(Principal caller, Submission submission, List<Validation> validations,
      SchemaGate.Rejection[] rejected, List<AppendResult> appended) {
    List<EventResult> results = new ArrayList<>(validations.size());
    int next = 0;
    for (int i = 0; i < validations.size(); i++) {
      Submission.Item item = submission.items().get(i);
      if (rejected[i] != null) {
        Event event = ((Validation.Valid) validations.get(i)).event();
        results.add(new EventResult(Outcome.QUARANTINED, event.id(), event, null,
            payloadErrors(submission, item, rejected[i]), item.line()));
        metrics.event(Outcome.QUARANTINED, event.service(), event.type());
      } else if (validations.get(i) instanceof Validation.Valid ok) {
        Event event = ok.event();
        if (!Authorizer.mayPublish(caller, event.service())) {
          results.add(new EventResult(Outcome.FORBIDDEN, event.id(), event, null,
              List.of(forbidden(caller, item.pointerPrefix() + serviceField(submission), event.service())), item.line()));
          metrics.event(Outcome.FORBIDDEN, event.service(), event.type());
          continue;
        }
        AppendResult r = appended.get(next++);
        // A conflict must not show another service's event to a producer that guessed its id.
        StoredEvent shown = r.outcome() == Outcome.CONFLICT && !Authorizer.mayPublish(caller, r.stored().event().service())
            ? null : r.stored();
        results.add(new EventResult(r.outcome(), event.id(), event, shown, List.of(), item.line()));
        record(r, event);
      } else {
        Validation.Invalid bad = (Validation.Invalid) validations.get(i);
        results.add(new EventResult(Outcome.INVALID, bad.id(), null, null, bad.errors(), item.line()));
        metrics.event(Outcome.INVALID, bad.service(), bad.type());
      }
    }
    return new IngestResponse(submission.format(), results);
  }

  /** A schema's errors named where the submission holds the payload: {@code /payload/...}, a CloudEvent's {@code /data/...}. */
  private static List<FieldError> payloadErrors(Submission submission, Submission.Item item, SchemaGate.Rejection r) {
    String base = item.pointerPrefix() + switch (submission.form()) {
      case NATIVE -> "/payload";
      case CLOUDEVENT -> "/data";
      case CLOUDEVENT_BINARY -> ""; // the body is the data
    };
    return r.errors().stream().map(e -> new FieldError(base + e.pointer(), e.detail())).toList();
  }

  /** Where a submission names the service: {@code meta.service}, or a CloudEvent's {@code source}. */
  private static String serviceField(Submission submission) {
    return submission.form() == Submission.Form.NATIVE ? "/meta/service" : "/source";
  }

  private static FieldError forbidden(Principal caller, String pointer, String service) {
    return new FieldError(pointer, "API key \"" + caller.name() + "\" may not publish events of"
        + " this service; it may publish " + (caller.services().isEmpty() ? "none" : String.join(", ", caller.services())));
  }

  private void record(AppendResult r, Event event) {
    metrics.event(r.outcome(), event.service(), event.type());
    if (r.outcome() == Outcome.CREATED) {
      metrics.arrivalDelay(event.service(), Duration.between(event.createdAt(), r.stored().receivedAt()));
    }
  }
}
