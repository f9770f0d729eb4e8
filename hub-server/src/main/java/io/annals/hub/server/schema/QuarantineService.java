package io.annals.hub.server.schema;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.ingest.FieldError;
import io.annals.hub.server.store.AppendResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Releases and drops quarantined events. A release checks each event against the current schema
 * of its type and stores those that pass through ingestion's own group committer, with their own
 * id and {@code created_at} (and a new {@code received_at}, so that the feed delivers them like
 * any new event); only then are they removed from the quarantine. Stored by id, an event is in the
 * history at most once however often (or however interrupted) the release is repeated.
 */
public final class QuarantineService {

  /** What became of one id of a release. */
  public record Released(String id, String outcome, List<FieldError> errors) {}

  private final SchemaService schemas;
  private final Function<List<Event>, List<AppendResult>> append;
  private final Clock clock;

  /** @param append stores events as ingestion does (the group committer) */
  public QuarantineService(SchemaService schemas, Function<List<Event>, List<AppendResult>> append, Clock clock) {
    this.schemas = schemas;
    this.append = append;
    this.clock = clock;
  }

  /**
   * Releases the held events with these ids: {@code created} (or {@code duplicate} when already
   * stored, e.g. by an interrupted earlier release), {@code invalid} with errors when the current
   * schema still rejects it (it stays held), {@code conflict} when another event holds its id (it
   * stays held), {@code not_found} when no held event has this id.
   */
  public List<Released> release(List<String> ids) {
    Quarantine quarantine = schemas.stores().quarantine();
    List<QuarantinedEvent> held = quarantine.find(ids);
    List<Event> passing = new ArrayList<>();
    List<Released> answers = new ArrayList<>();
    java.util.Map<String, Released> byId = new java.util.HashMap<>();
    for (QuarantinedEvent q : held) {
      List<FieldError> errors = schemas.failures(q.event());
      if (errors.isEmpty()) {
        passing.add(q.event());
      } else {
        byId.put(q.id(), new Released(q.id(), "invalid",
            errors.stream().map(e -> new FieldError("/payload" + e.pointer(), e.detail())).toList()));
      }
    }
    List<AppendResult> stored = passing.isEmpty() ? List.of() : append.apply(passing);
    List<String> done = new ArrayList<>();
    for (int i = 0; i < passing.size(); i++) {
      Outcome outcome = stored.get(i).outcome();
      String id = passing.get(i).id();
      if (outcome == Outcome.CREATED || outcome == Outcome.DUPLICATE) {
        done.add(id);
      }
      byId.put(id, new Released(id, outcome.wireName(), List.of()));
    }
    if (!done.isEmpty()) {
      quarantine.release(done);
    }
    for (String id : ids) {
      answers.add(byId.getOrDefault(id, new Released(id, "not_found", List.of())));
    }
    return answers;
  }

  /** Drops the held events with these ids with {@code reason}; returns how many were held. */
  public int drop(List<String> ids, String reason) {
    return schemas.stores().quarantine().drop(ids, reason, clock.instant());
  }
}
