package io.annals.hub.server.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;
import static io.annals.hub.server.store.mongo.EventDocuments.AGGREGATE_ID;
import static io.annals.hub.server.store.mongo.EventDocuments.CORRELATION_ID;
import static io.annals.hub.server.store.mongo.EventDocuments.CREATED_AT;
import static io.annals.hub.server.store.mongo.EventDocuments.ID;
import static io.annals.hub.server.store.mongo.EventDocuments.RECEIVED_AT;
import static io.annals.hub.server.store.mongo.EventDocuments.SERVICE;
import static io.annals.hub.server.store.mongo.EventDocuments.TYPE;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.Position;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The find of each read of the port, built in one place so that the index test explains exactly
 * what the store runs, and the indexes that answer them. Each keyset condition comes with a
 * {@code $gte} on its leading field, so that the index bounds start at the position.
 */
final class MongoQueries {

  /** A find: filter, sort and limit. */
  record Find(Bson filter, Bson sort, int limit) {}

  static final Bson FEED_ORDER = Sorts.ascending(RECEIVED_AT, ID);
  static final Bson HISTORY_ORDER = Sorts.ascending(CREATED_AT, RECEIVED_AT, ID);

  /** One index per query shape, each ending in the keyset fields, like the SQLite schema. */
  static final List<IndexModel> INDEXES = List.of(
      index("events_by_received", RECEIVED_AT, ID),
      index("events_by_type", TYPE, RECEIVED_AT, ID),
      index("events_by_service", SERVICE, RECEIVED_AT, ID),
      index("events_by_correlation", CORRELATION_ID, RECEIVED_AT, ID),
      index("events_by_aggregate", AGGREGATE_ID, CREATED_AT, RECEIVED_AT, ID));

  private MongoQueries() {}

  static Find query(EventFilter filter, Position after, int limit) {
    List<Bson> and = new ArrayList<>();
    equal(and, TYPE, filter.type());
    equal(and, SERVICE, filter.service());
    equal(and, AGGREGATE_ID, filter.aggregateId());
    equal(and, CORRELATION_ID, filter.correlationId());
    if (filter.receivedAfter() != null) {
      and.add(gt(RECEIVED_AT, EpochMicros.ofSaturated(filter.receivedAfter())));
    }
    if (filter.receivedBefore() != null) {
      and.add(lt(RECEIVED_AT, EpochMicros.ofSaturated(filter.receivedBefore())));
    }
    after(and, after);
    return new Find(all(and), FEED_ORDER, limit);
  }

  static Find aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit) {
    List<Bson> and = new ArrayList<>();
    and.add(eq(AGGREGATE_ID, aggregateId));
    if (asOf != null) {
      and.add(lte(CREATED_AT, EpochMicros.ofSaturated(asOf)));
    }
    if (after != null) {
      long created = EpochMicros.of(after.createdAt());
      long received = EpochMicros.of(after.receivedAt());
      and.add(gte(CREATED_AT, created));
      and.add(or(
          gt(CREATED_AT, created),
          and(eq(CREATED_AT, created), gt(RECEIVED_AT, received)),
          and(eq(CREATED_AT, created), eq(RECEIVED_AT, received), gt(ID, after.id()))));
    }
    return new Find(all(and), HISTORY_ORDER, limit);
  }

  /** With several types MongoDB merges one sorted range of the type index per type (SORT_MERGE). */
  static Find feed(Set<String> types, Position after, Instant stableBefore, int limit) {
    List<Bson> and = new ArrayList<>();
    if (types.size() == 1) {
      and.add(eq(TYPE, types.iterator().next()));
    } else if (!types.isEmpty()) {
      and.add(in(TYPE, types.stream().sorted().toList()));
    }
    and.add(lt(RECEIVED_AT, EpochMicros.ofSaturated(stableBefore)));
    after(and, after);
    return new Find(all(and), FEED_ORDER, limit);
  }

  /** The filter of {@link #feed}, to count: answered by the same index ranges, without a sort. */
  static Bson countFeed(Set<String> types, Position after, Instant stableBefore) {
    return feed(types, after, stableBefore, 0).filter();
  }

  private static void after(List<Bson> and, Position after) {
    if (after != null) {
      long received = EpochMicros.of(after.receivedAt());
      and.add(gte(RECEIVED_AT, received));
      and.add(or(gt(RECEIVED_AT, received), gt(ID, after.id())));
    }
  }

  private static void equal(List<Bson> and, String field, String value) {
    if (value != null) {
      and.add(eq(field, value));
    }
  }

  private static Bson all(List<Bson> and) {
    return and.isEmpty() ? new Document() : and(and);
  }

  private static IndexModel index(String name, String... fields) {
    return new IndexModel(Indexes.ascending(fields), new IndexOptions().name(name));
  }
}
