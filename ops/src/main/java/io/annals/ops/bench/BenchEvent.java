package io.annals.ops.bench;

import java.time.Instant;

/**
 * One generated event, as the hub's JSON envelope for HTTP and as the column values for the raw
 * baselines, so that both sides store exactly the same data.
 *
 * @param createdAtMicros epoch microseconds (UTC)
 * @param correlationId may be null
 * @param payloadJson compact JSON object text
 */
record BenchEvent(String id, String service, String type, long createdAtMicros, String aggregateId,
    String correlationId, String payloadJson) {

  /** The envelope of DESIGN.md, compact; the generator only produces strings that need no escaping. */
  String json() {
    StringBuilder json = new StringBuilder(160 + payloadJson.length());
    json.append("{\"id\":\"").append(id).append("\",\"meta\":{\"service\":\"").append(service)
        .append("\",\"type\":\"").append(type).append("\",\"created_at\":\"").append(createdAt())
        .append("\",\"aggregate_id\":\"").append(aggregateId).append('"');
    if (correlationId != null) {
      json.append(",\"correlation_id\":\"").append(correlationId).append('"');
    }
    return json.append("},\"payload\":").append(payloadJson).append('}').toString();
  }

  Instant createdAt() {
    return Instant.ofEpochSecond(Math.floorDiv(createdAtMicros, 1_000_000),
        Math.floorMod(createdAtMicros, 1_000_000) * 1000L);
  }
}
