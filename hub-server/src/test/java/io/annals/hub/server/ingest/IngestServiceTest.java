package io.annals.hub.server.ingest;

import static io.annals.hub.server.TestEvents.newId;
import static io.annals.hub.server.TestEvents.node;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.auth.Principal;
import io.annals.hub.server.auth.RequestLimits;
import io.annals.hub.server.auth.Role;
import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.feed.InFlightWatermark;
import io.annals.hub.server.feed.ReceivedAtClock;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest service on its own, over a real SQLite store and group committer: what it counts of
 * each outcome, and what a conflict shows a producer of another service. The HTTP suites cover
 * the rest of it; the package's own suites did not reach these.
 */
class IngestServiceTest {

  @TempDir Path dir;
  SqliteEventStore store;
  HubMetrics metrics;
  GroupCommitter committer;
  IngestService ingest;

  @BeforeEach
  void open() {
    store = SqliteEventStore.open(dir);
    metrics = new HubMetrics();
    committer = new GroupCommitter(store, new InFlightWatermark(new ReceivedAtClock(store::clock)), IngestLimits.defaults(),
        metrics, null);
    RequestLimits limits = RequestLimits.defaults();
    ObjectMapper json = StrictJson.mapper(limits);
    ingest = new IngestService(new RequestReader(json, limits), new EventValidator(json, Clock.systemUTC(), Duration.ofMinutes(5)),
        committer, metrics, new BodyBudget(1 << 24, limits.maxBodyBytes()));
  }

  @AfterEach
  void close() {
    committer.close();
    store.close();
    metrics.close();
  }

  EventResult post(Principal caller, ObjectNode event) {
    byte[] body = event.toString().getBytes(UTF_8);
    return ingest.ingest(caller, "application/json", body.length, new ByteArrayInputStream(body), java.util.Map.of())
        .join().results().get(0);
  }

  double events(String outcome) {
    var counter = metrics.registry().find("annals.hub.events").tag("outcome", outcome).tag("service", "billing")
        .tag("type", "payment-completed").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void each_outcome_is_counted_by_service_and_type_and_only_a_created_event_times_its_arrival() {
    ObjectNode event = node(newId());

    assertThat(post(Principal.unauthenticated(), event).outcome()).isEqualTo(Outcome.CREATED);
    assertThat(post(Principal.unauthenticated(), event).outcome()).isEqualTo(Outcome.DUPLICATE);

    assertThat(events(Outcome.CREATED.wireName())).isEqualTo(1.0);
    assertThat(events(Outcome.DUPLICATE.wireName())).isEqualTo(1.0);
    assertThat(metrics.registry().get("annals.hub.arrival.delay").tag("service", "billing").timer().count())
        .as("the duplicate's arrival is not timed again").isEqualTo(1);
  }

  @Test
  void a_conflict_with_another_services_event_does_not_show_it_to_a_producer_of_this_one() {
    String id = newId();
    post(Principal.unauthenticated(), node(id));
    ObjectNode guessed = node(id);
    ((ObjectNode) guessed.get("meta")).put("service", "shop");
    ObjectNode changed = node(id);
    changed.with("payload").put("amount", "4.0000/EUR");

    EventResult hidden = post(new Principal("shop-key", Role.PRODUCER, Set.of("shop")), guessed);
    EventResult shown = post(new Principal("billing-key", Role.PRODUCER, Set.of("billing")), changed);

    assertThat(hidden.outcome()).isEqualTo(Outcome.CONFLICT);
    assertThat(hidden.stored()).as("billing's event, hidden from a shop producer").isNull();
    assertThat(shown.outcome()).isEqualTo(Outcome.CONFLICT);
    assertThat(shown.stored().event().service()).isEqualTo("billing");
  }
}
