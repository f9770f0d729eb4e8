package io.annals.projections.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.cli.Cli;
import io.annals.projections.reports.eventsdaily.EventsDaily;
import io.annals.projections.reports.paymentsdaily.PaymentsDaily;
import io.annals.projections.runtime.CatchUpResult;
import io.annals.projections.runtime.CatchUpResult.Outcome;
import io.annals.projections.runtime.FailurePolicy;
import io.annals.projections.runtime.ProjectionRuntime;
import io.annals.projections.sql.Database;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.RecordingProjection;
import io.annals.projections.support.Sql;
import io.annals.projections.support.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The example reports and the runtime's SQL, run against each read-model database. */
public abstract class ReportsContract {

  protected Fixture fixture;

  /** A new, empty database for one test. */
  protected abstract Database freshDatabase() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new Fixture(freshDatabase());
  }

  private static ReceivedEvent payment(int n, String createdAt, String amount) {
    String receivedAt = OffsetDateTime.parse("2026-03-01T00:00:00Z").plusSeconds(100 - n).toInstant().toString();
    return TestEvents.payment(TestEvents.id(n), OffsetDateTime.parse(createdAt).toInstant().toString(), receivedAt,
        amount);
  }

  private ProjectionRuntime runtime() {
    return fixture.runtime("w1", new PaymentsDaily(), new EventsDaily());
  }

  private String export(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new Cli(List.of(new PaymentsDaily(), new EventsDaily()), options -> fixture.feed)
        .run(new String[] {"export", name, "--csv", "--db", fixture.database.url()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void payments_daily_sums_amounts_exactly_per_utc_day_of_created_at_and_currency() {
    fixture.feed.append(List.of(
        payment(1, "2026-01-01T10:00:00Z", "0.1/EUR"),
        payment(2, "2026-01-01T11:00:00Z", "0.1/EUR"),
        payment(3, "2026-01-01T12:00:00Z", "0.1/EUR"),
        payment(4, "2026-01-01T09:00:00Z", "3.0000/EUR"),
        payment(5, "2026-01-01T23:30:00-01:00", "1.50/EUR"),
        payment(6, "2026-01-01T08:00:00+02:00", "19.99/USD"),
        payment(7, "2026-01-02T00:00:00Z", "12345678901234567890.123456789/JPY")));

    try (ProjectionRuntime runtime = runtime()) {
      runtime.catchUpAll();
    }

    assertThat(export("payments-daily")).isEqualTo("""
        day,currency,total,count\r
        2026-01-01,EUR,3.3000,4\r
        2026-01-01,USD,19.99,1\r
        2026-01-02,EUR,1.50,1\r
        2026-01-02,JPY,12345678901234567890.123456789,1\r
        """);
  }

  @Test
  void events_daily_counts_per_day_service_and_type_and_keeps_the_latest_created_event() {
    fixture.feed.append(List.of(
        TestEvents.event(TestEvents.id(1), "shop", "purchase-completed", "2026-01-01T14:01:50Z", "2026-01-01T14:01:51Z"),
        TestEvents.event(TestEvents.id(2), "shop", "purchase-landed", "2026-01-01T14:00:00Z", "2026-01-01T14:02:08Z"),
        TestEvents.event(TestEvents.id(3), "shop", "purchase-landed", "2026-01-01T13:00:00Z", "2026-01-01T14:03:00Z"),
        TestEvents.payment(TestEvents.id(4), "2026-01-02T00:00:00Z", "2026-01-02T00:00:01Z", "1/EUR")));

    try (ProjectionRuntime runtime = runtime()) {
      runtime.catchUpAll();
    }

    assertThat(export("events-daily")).isEqualTo("""
        day,service,type,count\r
        2026-01-01,shop,purchase-completed,1\r
        2026-01-01,shop,purchase-landed,2\r
        2026-01-02,billing,payment-completed,1\r
        """);
    assertThat(Sql.rows(fixture.database,
        "SELECT event_id, created_at FROM events_latest WHERE type = 'purchase-landed'"))
        .containsExactly(List.of(TestEvents.id(2), "2026-01-01T14:00:00Z"));
  }

  @Test
  void an_unreadable_amount_stops_payments_daily_at_that_event_and_says_why() {
    fixture.feed.append(List.of(payment(1, "2026-01-01T10:00:00Z", "3.00/EUR"),
        payment(2, "2026-01-01T10:00:00Z", "three euros")));

    try (ProjectionRuntime runtime = runtime()) {
      CatchUpResult result = runtime.catchUp("payments-daily");

      assertThat(result.outcome()).isEqualTo(Outcome.STOPPED);
      assertThat(runtime.status("payments-daily").live().stoppedEventId()).isEqualTo(TestEvents.id(2));
      assertThat(runtime.status("payments-daily").live().stoppedError())
          .contains("amount must look like \"3.0000/EUR\", was: \"three euros\"");
    }
  }

  @Test
  void a_failing_statement_of_a_handler_is_rolled_back_to_its_savepoint_and_the_event_parked() {
    fixture.feed.append(Fixture.events(0, 12));
    RecordingProjection projection = new RecordingProjection();
    var config = Fixture.config("w1").withFailurePolicy("recording", FailurePolicy.PARK);
    try (ProjectionRuntime runtime = fixture.runtime(config, fixture.feed, projection)) {
      runtime.catchUp("recording");
      fixture.feed.append(Fixture.events(12, 8));
      Sql.execute(fixture.database, "INSERT INTO seen_g1 (event_id, schema_version) VALUES ('"
          + TestEvents.id(15) + "', 0)");

      CatchUpResult result = runtime.catchUp("recording");

      assertThat(result.applied()).isEqualTo(7);
      assertThat(result.parked()).isEqualTo(1);
      assertThat(Sql.count(fixture.database, "SELECT COUNT(*) FROM seen")).isEqualTo(20);
      assertThat(runtime.status("recording").recentlyParked().get(0).eventId()).isEqualTo(TestEvents.id(15));
    }
  }

  @Test
  void a_rebuild_produces_the_same_report_in_new_tables_and_drops_the_old_ones() {
    fixture.feed.append(List.of(payment(1, "2026-01-01T10:00:00Z", "3.0000/EUR"),
        payment(2, "2026-01-01T11:00:00Z", "1.5/EUR")));
    try (ProjectionRuntime runtime = runtime()) {
      runtime.catchUpAll();
    }
    String before = export("payments-daily");

    try (ProjectionRuntime runtime = runtime()) {
      assertThat(runtime.rebuild("payments-daily", true).outcome()).isEqualTo(Outcome.CAUGHT_UP);
    }

    assertThat(export("payments-daily")).isEqualTo(before);
    assertThat(Sql.count(fixture.database, "SELECT generation FROM projection_checkpoint "
        + "WHERE projection = 'payments-daily' AND slot = 'live'")).isEqualTo(2);
    assertThat(Sql.count(fixture.database, "SELECT COUNT(*) FROM payments_daily_g2")).isEqualTo(1);
    assertThat(tableExists("payments_daily_g1")).isFalse();
  }

  private static ReceivedEvent customerPayment(int n, String amount, com.fasterxml.jackson.databind.JsonNode email) {
    ReceivedEvent p = payment(n, "2026-01-01T1" + n + ":00:00Z", amount);
    com.fasterxml.jackson.databind.node.ObjectNode payload = ((com.fasterxml.jackson.databind.node.ObjectNode) p.payload()).deepCopy();
    payload.set("customer_email", email);
    return new ReceivedEvent(p.id(), p.service(), p.type(), p.createdAt(), p.aggregateId(), null, p.receivedAt(), payload);
  }

  private static com.fasterxml.jackson.databind.JsonNode text(String s) {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(s);
  }

  private static com.fasterxml.jackson.databind.JsonNode marker(String erasureId) {
    com.fasterxml.jackson.databind.node.ObjectNode m = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    m.putObject("annals:erased").put("erasure_id", erasureId).put("erased_at", "2026-03-02T00:00:00.000000Z");
    return m;
  }

  private static ReceivedEvent erasureApplied(String erasureId, String pointersJson, String... ids) {
    com.fasterxml.jackson.databind.node.ObjectNode payload = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    payload.put("erasure_id", erasureId);
    var list = payload.putArray("event_ids");
    for (String id : ids) {
      list.add(id);
    }
    payload.set("pointers", TestEventsJson.parse(pointersJson));
    return new ReceivedEvent(java.util.UUID.nameUUIDFromBytes(erasureId.getBytes(StandardCharsets.UTF_8)).toString(), "annals",
        "erasure-applied", java.time.Instant.parse("2026-03-02T00:00:00Z"), "erasure/" + erasureId, null,
        java.time.Instant.parse("2026-03-02T00:00:00Z"), payload);
  }

  private static final class TestEventsJson {
    static com.fasterxml.jackson.databind.JsonNode parse(String json) {
      try {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private List<List<String>> tables() {
    List<List<String>> rows = new java.util.ArrayList<>();
    rows.addAll(Sql.rows(fixture.database, "SELECT day, currency, total, count FROM payments_daily ORDER BY day, currency"));
    rows.addAll(Sql.rows(fixture.database,
        "SELECT event_id, day, currency, amount, customer_email FROM payments_customers ORDER BY event_id"));
    rows.addAll(Sql.rows(fixture.database, "SELECT day, service, type, count FROM events_daily ORDER BY day, service, type"));
    return rows;
  }

  @Test
  void an_erasure_removes_the_customer_email_keeps_the_totals_and_a_rebuild_gives_the_same_tables() {
    fixture.feed.append(List.of(customerPayment(1, "3.0000/EUR", text("jane@example.org")),
        customerPayment(2, "1.5/EUR", text("joe@example.org")), customerPayment(3, "2/USD", text("ann@example.org"))));
    try (ProjectionRuntime runtime = runtime()) {
      runtime.catchUpAll();
    }
    assertThat(tables().toString()).contains("jane@example.org");
    String totals = export("payments-daily");

    // The hub erases jane's e-mail (and all of ann's payment): its feed now serves the events with
    // markers, and then the erasure-applied events.
    fixture.feed.replace(customerPayment(1, "3.0000/EUR", marker("er-1")));
    ReceivedEvent ann = customerPayment(3, "2/USD", text("x"));
    com.fasterxml.jackson.databind.node.ObjectNode erasedPayload = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    erasedPayload.set("amount", marker("er-2"));
    erasedPayload.set("customer_email", marker("er-2"));
    fixture.feed.replace(new ReceivedEvent(ann.id(), ann.service(), ann.type(), ann.createdAt(), ann.aggregateId(), null,
        ann.receivedAt(), erasedPayload));
    fixture.feed.append(List.of(erasureApplied("er-1", "[\"/customer_email\"]", TestEvents.id(1)),
        erasureApplied("er-2", "null", TestEvents.id(3))));
    try (ProjectionRuntime runtime = runtime()) {
      runtime.catchUpAll();
    }

    List<List<String>> after = tables();
    assertThat(after.toString()).doesNotContain("jane@example.org").doesNotContain("ann@example.org").contains("joe@example.org");
    assertThat(export("payments-daily")).isEqualTo(totals.replace("2026-01-01,USD,2,1\r\n", ""));
    assertThat(export("payments-daily")).contains("2026-01-01,EUR,4.5000,2");
    assertThat(Sql.rows(fixture.database, "SELECT customer_email FROM payments_customers WHERE event_id = '" + TestEvents.id(1) + "'"))
        .containsExactly(java.util.Arrays.asList((String) null));

    try (ProjectionRuntime runtime = runtime()) {
      assertThat(runtime.rebuild("payments-daily", true).outcome()).isEqualTo(Outcome.CAUGHT_UP);
      assertThat(runtime.rebuild("events-daily", true).outcome()).isEqualTo(Outcome.CAUGHT_UP);
    }
    assertThat(tables()).isEqualTo(after);
  }

  private boolean tableExists(String table) {
    try (var connection = fixture.database.connect()) {
      connection.createStatement().executeQuery("SELECT 1 FROM " + table).close();
      return true;
    } catch (java.sql.SQLException e) {
      return false;
    }
  }
}
