package io.annals.hub.server.store.mongo;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.EpochMicros;
import org.bson.Document;

/**
 * The shape of an event in the {@code events} collection. Times are Int64 epoch microseconds (a
 * BSON date has only milliseconds); the payload is a string holding the JSON text exactly as
 * received, never a BSON document, which would turn {@code 3.0000} into a double (docs/decisions.md).
 */
final class EventDocuments {

  static final String ID = "_id";
  static final String SERVICE = "service";
  static final String TYPE = "type";
  static final String CREATED_AT = "created_at";
  static final String AGGREGATE_ID = "aggregate_id";
  static final String CORRELATION_ID = "correlation_id";
  static final String RECEIVED_AT = "received_at";
  static final String PAYLOAD = "payload";
  /** {@code meta.extensions}: a sub-document of strings, absent for none. */
  static final String EXTENSIONS = "extensions";

  private EventDocuments() {}

  static Document toDocument(StoredEvent stored) {
    Event e = stored.event();
    Document doc = new Document(ID, e.id())
        .append(SERVICE, e.service())
        .append(TYPE, e.type())
        .append(CREATED_AT, EpochMicros.of(e.createdAt()))
        .append(AGGREGATE_ID, e.aggregateId());
    if (e.correlationId() != null) {
      doc.append(CORRELATION_ID, e.correlationId()); // absent, not null: as the producer sent it
    }
    doc.append(RECEIVED_AT, EpochMicros.of(stored.receivedAt())).append(PAYLOAD, e.payloadJson());
    if (!e.extensions().isEmpty()) {
      doc.append(EXTENSIONS, new Document(e.extensions()));
    }
    return doc;
  }

  static StoredEvent fromDocument(Document doc) {
    Event event = new Event(
        doc.getString(ID),
        doc.getString(SERVICE),
        doc.getString(TYPE),
        micros(doc, CREATED_AT),
        doc.getString(AGGREGATE_ID),
        doc.getString(CORRELATION_ID),
        doc.getString(PAYLOAD),
        extensions(doc.get(EXTENSIONS, Document.class)));
    return new StoredEvent(event, micros(doc, RECEIVED_AT));
  }

  /** {@code meta.extensions} of a document's sub-document (absent: none); the quarantine keeps them the same way. */
  static java.util.Map<String, String> extensions(Document ext) {
    if (ext == null) {
      return java.util.Map.of();
    }
    java.util.Map<String, String> map = new java.util.TreeMap<>();
    ext.forEach((name, value) -> map.put(name, String.valueOf(value)));
    return map;
  }

  private static java.time.Instant micros(Document doc, String field) {
    Object value = doc.get(field);
    if (!(value instanceof Number number)) {
      throw new IllegalStateException("event " + doc.get(ID) + " has no integer " + field + " but " + value);
    }
    return EpochMicros.toInstant(number.longValue());
  }
}
