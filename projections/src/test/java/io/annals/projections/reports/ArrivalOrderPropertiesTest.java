package io.annals.projections.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.reports.eventsdaily.EventsDaily;
import io.annals.projections.reports.paymentsdaily.PaymentsDaily;
import io.annals.projections.runtime.CatchUpResult.Outcome;
import io.annals.projections.runtime.ProjectionRuntime;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.Sql;
import io.annals.projections.support.TestEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Must-show 3: the example reports are the same whatever order the same events arrive in (and
 * however the feed is cut into batches): the read models built from a permutation equal those
 * built from the events in {@code created_at} order.
 */
class ArrivalOrderPropertiesTest {

  private static final List<String> QUERIES = List.of(
      "SELECT day, currency, total, count FROM payments_daily ORDER BY day, currency",
      "SELECT day, service, type, count FROM events_daily ORDER BY day, service, type",
      "SELECT service, type, aggregate_id, created_at, created_at_us, event_id FROM events_latest ORDER BY service, type");

  /** An event as generated, before the feed gives it a {@code received_at}. */
  record Raw(String service, String type, long createdAtMillis, String amount) {}

  @Provide
  Arbitrary<List<Raw>> histories() {
    Arbitrary<String> services = Arbitraries.of("billing", "shop", "shipping");
    Arbitrary<String> types = Arbitraries.of("payment-completed", "payment-completed", "order-placed", "parcel-sent");
    // Few distinct instants across three days, so that equal created_at values (ties) happen.
    Arbitrary<Long> createdAt = Arbitraries.longs().between(0, 40).map(n -> 1_767_225_600_000L + n * 5_400_000L);
    Arbitrary<String> amounts = Combinators.combine(
            Arbitraries.longs().between(0, 1_000_000), Arbitraries.integers().between(0, 4),
            Arbitraries.of("EUR", "USD", "JPY"))
        .as((units, scale, currency) -> new java.math.BigDecimal(java.math.BigInteger.valueOf(units), scale)
            .toPlainString() + "/" + currency);
    return Combinators.combine(services, types, createdAt, amounts).as(Raw::new).list().ofMinSize(1).ofMaxSize(60);
  }

  /** The same events twice: in {@code created_at} order, and in an arbitrary arrival order. */
  record Arrival(List<ReceivedEvent> inCreatedOrder, List<ReceivedEvent> arrived) {}

  @Provide
  Arbitrary<Arrival> arrivals() {
    return histories().map(ArrivalOrderPropertiesTest::arrive)
        .flatMap(events -> Arbitraries.shuffle(events).map(shuffled -> new Arrival(events, reorder(shuffled))));
  }

  @Property(tries = 60)
  void reports_are_the_same_for_any_arrival_order(@ForAll("arrivals") Arrival arrival,
      @ForAll @IntRange(min = 1, max = 25) int batchSize) {
    Map<String, List<List<String>>> expected = build(arrival.inCreatedOrder(), 1000);

    Map<String, List<List<String>>> actual = build(arrival.arrived(), batchSize);

    assertThat(actual).isEqualTo(expected);
    assertThat(expected.get(QUERIES.get(1))).isNotEmpty();
  }

  private static List<ReceivedEvent> arrive(List<Raw> history) {
    List<Raw> sorted = history.stream().sorted(Comparator.comparingLong(Raw::createdAtMillis)).toList();
    List<ReceivedEvent> events = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      Raw raw = sorted.get(i);
      ObjectNode payload = JsonNodeFactory.instance.objectNode().put("amount", raw.amount());
      Instant created = Instant.ofEpochMilli(raw.createdAtMillis());
      events.add(new ReceivedEvent(TestEvents.id(i), raw.service(), raw.type(), created, raw.service() + "/" + i,
          null, created, payload));
    }
    return events;
  }

  /** Gives the events {@code received_at} in list order: this is the order the feed delivers. */
  private static List<ReceivedEvent> reorder(List<ReceivedEvent> arrival) {
    Instant start = Instant.parse("2026-06-01T00:00:00Z");
    List<ReceivedEvent> events = new ArrayList<>();
    for (int i = 0; i < arrival.size(); i++) {
      ReceivedEvent e = arrival.get(i);
      events.add(new ReceivedEvent(e.id(), e.service(), e.type(), e.createdAt(), e.aggregateId(), null,
          start.plusMillis(i), e.payload()));
    }
    return events;
  }

  private static Map<String, List<List<String>>> build(List<ReceivedEvent> events, int batchSize) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("arrival-order");
      Fixture fixture = new Fixture(dir);
      fixture.feed.append(events);
      try (ProjectionRuntime runtime = fixture.runtime(Fixture.config("w1").withBatchSize(batchSize),
          fixture.feed, new PaymentsDaily(), new EventsDaily())) {
        runtime.catchUpAll().forEach(result -> assertThat(result.outcome()).isEqualTo(Outcome.CAUGHT_UP));
      }
      Map<String, List<List<String>>> models = new java.util.LinkedHashMap<>();
      QUERIES.forEach(query -> models.put(query, Sql.rows(fixture.database, query)));
      return models;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
