package io.annals.ops.bench;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.ConnectionString;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import io.annals.hub.server.store.mongo.MongoEventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The MongoDB baseline through the driver alone: documents shaped like the hub's ({@code _id} =
 * event id, times as Int64 epoch microseconds, the payload as its JSON text), one unordered
 * {@code insertMany} per batch with {@code w:majority, j:true}, keyset reads over the
 * {@code (received_at, _id)} index. The indexes are created by the hub's own store before anything
 * is timed, so they cannot drift from the hub's.
 */
final class RawMongo implements RawStore {

  private static final long HISTORY_MICROS = TimeUnit.DAYS.toMicros(365);

  private final MongoClient client;
  private final MongoCollection<Document> events;

  private RawMongo(MongoClient client, MongoCollection<Document> events) {
    this.client = client;
    this.events = events;
  }

  static RawMongo open(String uri, String database) {
    MongoEventStore.connect(uri, database).close();
    MongoClient client = MongoClients.create(uri);
    return new RawMongo(client, client.getDatabase(database).getCollection("events")
        .withWriteConcern(WriteConcern.MAJORITY.withJournal(true)));
  }

  static void drop(String uri, List<String> databases) {
    if (databases.isEmpty()) {
      return;
    }
    try (MongoClient client = MongoClients.create(uri)) {
      databases.forEach(db -> client.getDatabase(db).drop());
    }
  }

  /** The URI without credentials, for the report. */
  static String redacted(String uri) {
    ConnectionString parsed = new ConnectionString(uri);
    return String.join(",", parsed.getHosts());
  }

  @Override
  public Duration insert(List<BenchEvent> batch, int perTransaction) {
    long start = System.nanoTime();
    for (int from = 0; from < batch.size(); from += perTransaction) {
      long receivedAt = nowMicros();
      List<Document> docs = new ArrayList<>();
      for (BenchEvent e : batch.subList(from, Math.min(batch.size(), from + perTransaction))) {
        docs.add(document(e, receivedAt));
      }
      events.insertMany(docs, new InsertManyOptions().ordered(false));
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public Samples insertEach(List<BenchEvent> batch) {
    Samples samples = new Samples();
    for (BenchEvent e : batch) {
      long start = System.nanoTime();
      events.insertOne(document(e, nowMicros()));
      samples.record((System.nanoTime() - start) / 1000);
    }
    return samples;
  }

  @Override
  public Scan scan(Set<String> types, int pageSize) {
    long start = System.nanoTime();
    long read = 0;
    Long afterReceived = null;
    String afterId = null;
    while (true) {
      List<Bson> filter = new ArrayList<>();
      if (!types.isEmpty()) {
        filter.add(types.size() == 1 ? eq("type", types.iterator().next()) : in("type", types));
      }
      if (afterReceived != null) {
        filter.add(gte("received_at", afterReceived));
        filter.add(or(gt("received_at", afterReceived), and(eq("received_at", afterReceived), gt("_id", afterId))));
      }
      int rows = 0;
      for (Document doc : events.find(filter.isEmpty() ? new Document() : and(filter))
          .sort(Sorts.ascending("received_at", "_id")).limit(pageSize)) {
        afterReceived = doc.getLong("received_at");
        afterId = doc.getString("_id");
        doc.getString("payload");
        rows++;
      }
      read += rows;
      if (rows < pageSize) {
        return new Scan(read, Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  @Override
  public void loadHistory(EventGenerator generator, long count) {
    MongoCollection<Document> fast = events.withWriteConcern(WriteConcern.W1);
    long first = nowMicros() - HISTORY_MICROS;
    double step = HISTORY_MICROS / (double) Math.max(1, count);
    for (long done = 0; done < count; ) {
      List<Document> docs = new ArrayList<>();
      long end = Math.min(count, done + 10_000);
      for (; done < end; done++) {
        long receivedAt = first + (long) (done * step);
        docs.add(document(generator.receivedAt(receivedAt), receivedAt));
      }
      fast.insertMany(docs, new InsertManyOptions().ordered(false));
    }
  }

  @Override
  public long count() {
    return events.estimatedDocumentCount();
  }

  private static Document document(BenchEvent e, long receivedAt) {
    Document doc = new Document("_id", e.id()).append("service", e.service()).append("type", e.type())
        .append("created_at", e.createdAtMicros()).append("aggregate_id", e.aggregateId());
    if (e.correlationId() != null) {
      doc.append("correlation_id", e.correlationId());
    }
    return doc.append("received_at", receivedAt).append("payload", e.payloadJson());
  }

  private static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  @Override
  public void close() {
    client.close();
  }
}
