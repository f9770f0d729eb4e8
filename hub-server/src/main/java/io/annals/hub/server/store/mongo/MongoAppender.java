package io.annals.hub.server.store.mongo;

import static com.mongodb.client.model.Filters.in;
import static io.annals.hub.server.store.mongo.MongoErrors.call;
import static io.annals.hub.server.store.mongo.MongoErrors.run;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.ReadConcern;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import io.annals.hub.server.event.EventContent;
import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bson.Document;

/**
 * Append as MongoDB does it idempotently: one unordered {@code insertMany} (one round trip, one
 * majority + journal acknowledgement for the whole batch: the group commit); the unique {@code _id}
 * refuses ids already stored, and only for those the stored version is read and compared.
 */
final class MongoAppender {

  private final MongoCollection<Document> events;

  MongoAppender(MongoCollection<Document> events) {
    this.events = events;
  }

  List<AppendResult> append(List<StoredEvent> batch) {
    String what = "append of " + batch.size() + " event(s)";
    Set<Integer> refused = call(what, () -> insertAll(batch));
    Map<String, StoredEvent> stored = refused.isEmpty() ? Map.of() : storedVersions(what, batch, refused);
    List<AppendResult> results = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      StoredEvent event = batch.get(i);
      if (refused.contains(i)) {
        StoredEvent existing = stored.get(event.id());
        boolean same = EventContent.sameContent(existing.event(), event.event());
        results.add(new AppendResult(same ? Outcome.DUPLICATE : Outcome.CONFLICT, existing));
      } else {
        results.add(new AppendResult(Outcome.CREATED, event));
      }
    }
    return results;
  }

  /** Inserts all, unordered; returns the indexes (in {@code batch}) refused because their id exists. */
  private Set<Integer> insertAll(List<StoredEvent> batch) {
    try {
      events.insertMany(batch.stream().map(EventDocuments::toDocument).toList(), new InsertManyOptions().ordered(false));
      return Set.of();
    } catch (MongoBulkWriteException e) {
      if (e.getWriteConcernError() != null) {
        throw e; // written but not confirmed durable: unavailable, and the retry will be a duplicate
      }
      Set<Integer> duplicates = new TreeSet<>();
      for (BulkWriteError error : e.getWriteErrors()) {
        if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
        duplicates.add(error.getIndex());
      }
      return duplicates;
    }
  }

  /**
   * The stored version of each refused id. Read concern local: the stored copy may be another
   * instance's insert not yet majority-committed; it exists, and it is what refused ours. (An id
   * repeated within the batch finds its first occurrence, inserted just now.)
   */
  private Map<String, StoredEvent> storedVersions(String what, List<StoredEvent> batch, Set<Integer> refused) {
    List<String> ids = refused.stream().map(i -> batch.get(i).id()).distinct().toList();
    Map<String, StoredEvent> stored = new HashMap<>();
    run(what, () -> events.withReadConcern(ReadConcern.LOCAL).find(in(EventDocuments.ID, ids))
        .forEach(doc -> stored.put(doc.getString(EventDocuments.ID), EventDocuments.fromDocument(doc))));
    for (String id : ids) {
      if (!stored.containsKey(id)) {
        // Refused as a duplicate, yet gone: only a rollback after a failover does this. Let the client retry.
        throw new StoreUnavailableException(what + " failed: event " + id + " was refused as a duplicate"
            + " but is no longer stored (replica set rollback?)", null);
      }
    }
    return stored;
  }
}
