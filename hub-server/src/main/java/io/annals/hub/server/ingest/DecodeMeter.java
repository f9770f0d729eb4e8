package io.annals.hub.server.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A node factory that charges every JSON node the parser builds to a body's {@link BodyBudget.Lease}
 * as it is built, so that a body whose tree is far larger than its text (a 9 MiB array of empty
 * objects is a 260 MiB tree) is stopped before it exhausts the heap, not after. The sizes are
 * estimates for a 64-bit JVM with compressed references, each with the map entry or list slot that
 * holds the node; they err on the large side. Only what Jackson's tree deserializer creates is
 * charged (objects, arrays, strings, int, long, double and big numbers).
 */
final class DecodeMeter extends JsonNodeFactory {

  private static final long SLOT = 48;
  private static final long CONTAINER = 72;
  private static final long TEXT = 56;
  private static final long NUMBER = 24;
  private static final long BIG_NUMBER = 96;

  private final transient BodyBudget.Lease lease;

  DecodeMeter(BodyBudget.Lease lease) {
    super(true); // decimals kept exactly as sent, as StrictJson's factory does
    this.lease = lease;
  }

  private <T> T charged(long bytes, T node) {
    lease.decoded(SLOT + bytes);
    return node;
  }

  @Override
  public ObjectNode objectNode() {
    return charged(CONTAINER, super.objectNode());
  }

  @Override
  public ArrayNode arrayNode() {
    return charged(CONTAINER, super.arrayNode());
  }

  @Override
  public ArrayNode arrayNode(int capacity) {
    return charged(CONTAINER + 4L * capacity, super.arrayNode(capacity));
  }

  @Override
  public TextNode textNode(String text) {
    return charged(TEXT + 2L * (text == null ? 0 : text.length()), super.textNode(text));
  }

  @Override
  public NumericNode numberNode(int v) {
    return charged(NUMBER, super.numberNode(v));
  }

  @Override
  public NumericNode numberNode(long v) {
    return charged(NUMBER, super.numberNode(v));
  }

  @Override
  public NumericNode numberNode(double v) {
    return charged(NUMBER, super.numberNode(v));
  }

  @Override
  public ValueNode numberNode(BigInteger v) {
    return charged(BIG_NUMBER, super.numberNode(v));
  }

  @Override
  public ValueNode numberNode(BigDecimal v) {
    return charged(BIG_NUMBER, super.numberNode(v));
  }
}
