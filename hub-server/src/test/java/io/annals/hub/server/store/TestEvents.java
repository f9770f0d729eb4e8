package io.annals.hub.server.store;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Readable test events: {@code anEvent(1).type("x").receivedAt(T0).build()}. */
public final class TestEvents {

  /** A fixed instant the tests count from. */
  public static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  private String id;
  private String service = "billing";
  private String type = "payment-completed";
  private Instant createdAt;
  private String aggregateId;
  private String correlationId;
  private String payloadJson;
  private Instant receivedAt;

  private TestEvents(int n) {
    id = id(n);
    createdAt = T0.plus(n, ChronoUnit.MILLIS);
    aggregateId = "payment/" + n;
    payloadJson = "{\"amount\":\"3.0000/EUR\",\"n\":" + n + "}";
    receivedAt = T0.plusSeconds(60).plus(n, ChronoUnit.MICROS);
  }

  /** Event number {@code n}: distinct id, created n ms and received n µs after fixed instants. */
  public static TestEvents anEvent(int n) {
    return new TestEvents(n);
  }

  /** A canonical UUID string; ids sort in the order of {@code n}. */
  public static String id(int n) {
    return String.format("0192f0c4-6d1e-7b3a-9c55-%012d", n);
  }

  public static Instant micros(long n) {
    return T0.plus(n, ChronoUnit.MICROS);
  }

  public TestEvents id(String id) {
    this.id = id;
    return this;
  }

  public TestEvents service(String service) {
    this.service = service;
    return this;
  }

  public TestEvents type(String type) {
    this.type = type;
    return this;
  }

  private java.util.Map<String, String> extensions = java.util.Map.of();

  public TestEvents createdAt(Instant createdAt) {
    this.createdAt = createdAt;
    return this;
  }

  public TestEvents aggregateId(String aggregateId) {
    this.aggregateId = aggregateId;
    return this;
  }

  public TestEvents correlationId(String correlationId) {
    this.correlationId = correlationId;
    return this;
  }

  public TestEvents payload(String payloadJson) {
    this.payloadJson = payloadJson;
    return this;
  }

  public TestEvents receivedAt(Instant receivedAt) {
    this.receivedAt = receivedAt;
    return this;
  }

  public TestEvents extensions(java.util.Map<String, String> extensions) {
    this.extensions = extensions;
    return this;
  }

  public StoredEvent build() {
    return new StoredEvent(new Event(id, service, type, createdAt, aggregateId, correlationId, payloadJson, extensions),
        receivedAt);
  }
}
