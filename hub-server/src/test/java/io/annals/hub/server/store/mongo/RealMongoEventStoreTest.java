package io.annals.hub.server.store.mongo;

import static io.annals.hub.server.store.TestEvents.T0;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.mongo.MongoQueries.Find;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MongoDB store on real MongoDB ({@link RealMongo}): its documents, its clock and its indexes
 * (the port contracts run there too, through {@link RealMongoUnderTest}). Skipped, and said so,
 * without Docker.
 */
class RealMongoEventStoreTest extends MongoEventStoreContract {

  private static RealMongo mongo;

  @BeforeAll
  static void start_mongodb() {
    mongo = RealMongo.start();
  }

  @AfterAll
  static void stop_mongodb() {
    mongo.close();
  }

  // Asked for by each test as its store opens, so that without Docker every test is reported as
  // skipped with the reason, rather than the class silently running nothing.
  @Override
  protected String connectionString() {
    return mongo.connectionString();
  }

  @Test
  void the_clock_follows_the_server() {
    assertThat(store.clockFollowsServer()).isTrue();
  }

  @Test
  void every_query_shape_is_answered_from_an_index() {
    // Given some events, so the planner sees a real collection
    store.append(IntStream.range(0, 50).mapToObj(n -> anEvent(n).type("t" + n % 3).receivedAt(micros(n)).build()).toList());
    Position after = new Position(micros(3), id(3));
    Map<String, Find> shapes = new LinkedHashMap<>();
    shapes.put("query, first page", MongoQueries.query(EventFilter.none(), null, 10));
    shapes.put("query, no filter", MongoQueries.query(EventFilter.none(), after, 10));
    shapes.put("query, received range", MongoQueries.query(new EventFilter(null, null, null, null, micros(1), micros(9)), after, 10));
    shapes.put("query by type", MongoQueries.query(new EventFilter("t1", null, null, null, null, null), after, 10));
    shapes.put("query by service", MongoQueries.query(new EventFilter(null, "billing", null, null, null, micros(9)), after, 10));
    shapes.put("query by aggregate", MongoQueries.query(new EventFilter(null, null, "payment/1", null, null, null), after, 10));
    shapes.put("query by correlation", MongoQueries.query(new EventFilter(null, null, null, "c", micros(1), null), after, 10));
    shapes.put("query, all filters", MongoQueries.query(new EventFilter("t1", "billing", "payment/1", "c", micros(1), micros(9)), after, 10));
    shapes.put("history", MongoQueries.aggregateHistory("payment/1", null, null, 10));
    shapes.put("history as of, after", MongoQueries.aggregateHistory("payment/1", T0, new AggregatePosition(T0, T0, id(1)), 10));
    shapes.put("feed, all types", MongoQueries.feed(Set.of(), after, micros(40), 10));
    shapes.put("feed, one type", MongoQueries.feed(Set.of("t1"), after, micros(40), 10));
    shapes.put("feed, three types", MongoQueries.feed(Set.of("t0", "t1", "t2"), after, micros(40), 10));

    shapes.forEach((shape, find) -> {
      Document explained = store.explain(find);
      Document winning = explained.get("queryPlanner", Document.class).get("winningPlan", Document.class);
      List<String> stages = stages(winning, new ArrayList<>());
      assertThat(stages).as("stages of %s: %s", shape, winning.toJson()).contains("IXSCAN").doesNotContain("COLLSCAN");
    });
  }

  @Test
  void the_feed_count_is_answered_from_an_index() {
    store.append(IntStream.range(0, 50).mapToObj(n -> anEvent(n).type("t" + n % 3).receivedAt(micros(n)).build()).toList());
    Position after = new Position(micros(3), id(3));
    Map<String, org.bson.conversions.Bson> shapes = new LinkedHashMap<>();
    shapes.put("count, all types", MongoQueries.countFeed(Set.of(), after, micros(40)));
    shapes.put("count, first page", MongoQueries.countFeed(Set.of(), null, micros(40)));
    shapes.put("count, one type", MongoQueries.countFeed(Set.of("t1"), after, micros(40)));
    shapes.put("count, three types", MongoQueries.countFeed(Set.of("t0", "t1", "t2"), after, micros(40)));

    shapes.forEach((shape, filter) -> {
      Document explained = store.explainCount(filter);
      Document winning = explained.get("queryPlanner", Document.class).get("winningPlan", Document.class);
      List<String> stages = stages(winning, new ArrayList<>());
      assertThat(stages).as("stages of %s: %s", shape, winning.toJson())
          .containsAnyOf("IXSCAN", "COUNT_SCAN").doesNotContain("COLLSCAN");
    });
    assertThat(store.countFeed(Set.of("t1"), after, micros(40))).isEqualTo(12);
  }

  /** Every {@code stage} in a plan tree (classic or slot-based explain output), depth first. */
  private static List<String> stages(Object node, List<String> into) {
    if (node instanceof Document doc) {
      if (doc.get("stage") instanceof String stage) {
        into.add(stage);
      }
      doc.values().forEach(value -> stages(value, into));
    } else if (node instanceof List<?> list) {
      list.forEach(value -> stages(value, into));
    }
    return into;
  }
}
