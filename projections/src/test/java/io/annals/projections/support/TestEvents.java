package io.annals.projections.support;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.client.ReceivedEvent;
import java.time.Instant;
import java.util.UUID;

/** Builds events for tests. */
public final class TestEvents {

  private TestEvents() {}

  public static ReceivedEvent payment(String id, String createdAt, String receivedAt, String amount) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.put("amount", amount);
    return new ReceivedEvent(id, "billing", "payment-completed", Instant.parse(createdAt), "payment/" + id, null,
        Instant.parse(receivedAt), payload);
  }

  public static ReceivedEvent event(String id, String service, String type, String createdAt, String receivedAt) {
    return new ReceivedEvent(id, service, type, Instant.parse(createdAt), service + "/" + id, null,
        Instant.parse(receivedAt), JsonNodeFactory.instance.objectNode());
  }

  /** A payment with an id made from {@code n}, created and received {@code n} seconds into 2026. */
  public static ReceivedEvent payment(int n, String amount) {
    String at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n).toString();
    return payment(id(n), at, at, amount);
  }

  public static String id(int n) {
    return new UUID(0x0192f0c46d1e7b3aL, n).toString();
  }
}
