package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestEvents;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Request bodies for fuzzing {@code POST /events}, each drawn from one {@link Random} so that jqwik
 * can replay a run from its seed: valid events and batches, the same mutated in structure (fields
 * removed, retyped, renamed, services switched, ids reused) or in bytes (flips, cuts, insertions,
 * invalid UTF-8), JSON of random shape, random bytes, deep nesting and bodies over the size limit.
 */
final class FuzzBodies {

  /** A few fixed ids, so that fuzzed events collide: duplicates and conflicts, across services. */
  static final List<String> ID_POOL = List.of(
      "0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11", "0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a12",
      "0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a13", "00000000-0000-0000-0000-000000000000");

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  private static final String[] SERVICES = {"billing", "billing", "invoicing", "shipping", "orders"};
  private static final String[] TOP = {"id", "meta", "payload"};
  private static final String[] META = {"service", "type", "created_at", "aggregate_id", "correlation_id"};
  private static final byte[] NASTY = {0, '"', '{', '}', '[', ']', ',', ':', '\\', '\n', ' ', (byte) 0xC0, (byte) 0x80,
      (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1', 'e', '-', 'n'};

  private final Random random;

  private FuzzBodies(Random random) {
    this.random = random;
  }

  /** What a body is, for reports. */
  record Body(String kind, byte[] bytes) {
    @Override
    public String toString() {
      String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.UTF_8);
      return kind + " (" + bytes.length + " bytes): " + text + (bytes.length > 300 ? "..." : "");
    }
  }

  /** Any body: mostly near-valid, as a fuzzer that starts from real requests would send. */
  static Body any(Random random) {
    FuzzBodies f = new FuzzBodies(random);
    int pick = random.nextInt(100);
    if (pick < 20) {
      return new Body("single", f.bytes(f.mutated(f.event()).toString()));
    }
    if (pick < 40) {
      return new Body("batch", f.bytes(f.batch(random.nextInt(25)).toString()));
    }
    if (pick < 50) {
      return new Body("ndjson", f.bytes(f.ndjson(1 + random.nextInt(8))));
    }
    if (pick < 70) {
      String valid = random.nextBoolean() ? f.event().toString() : f.batch(1 + random.nextInt(4)).toString();
      return new Body("byte-mutated", f.mutateBytes(f.bytes(valid)));
    }
    if (pick < 75) {
      return new Body("duplicate-key", f.bytes(f.event().toString().replaceFirst("\\{\"id\":",
          "{\"id\":\"" + ID_POOL.get(0) + "\",\"id\":")));
    }
    if (pick < 83) {
      return new Body("random-json", f.bytes(f.json(4).toString()));
    }
    if (pick < 88) {
      byte[] noise = new byte[random.nextInt(2000)];
      random.nextBytes(noise);
      return new Body("random-bytes", noise);
    }
    if (pick < 94) {
      return new Body("deep", f.bytes(f.deep(8 + random.nextInt(40))));
    }
    return new Body("oversized", f.oversized());
  }

  private byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private String uuid() {
    return random.nextInt(4) == 0 ? ID_POOL.get(random.nextInt(ID_POOL.size()))
        : new UUID(random.nextLong(), random.nextLong()).toString();
  }

  /** A valid event (for a producer of billing, most of the time). */
  ObjectNode event() {
    ObjectNode event = TestEvents.node(uuid());
    ObjectNode meta = (ObjectNode) event.get("meta");
    meta.put("service", SERVICES[random.nextInt(SERVICES.length)]);
    meta.put("type", "fuzz-" + random.nextInt(5));
    meta.put("aggregate_id", "thing/" + random.nextInt(100));
    if (random.nextBoolean()) {
      meta.remove("correlation_id");
    }
    event.set("payload", object(2));
    return event;
  }

  /** The event with up to three structural changes. */
  ObjectNode mutated(ObjectNode event) {
    int changes = random.nextBoolean() ? 0 : 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      ObjectNode meta = event.get("meta") instanceof ObjectNode m ? m : event.putObject("meta");
      switch (random.nextInt(10)) {
        case 0 -> event.remove(TOP[random.nextInt(TOP.length)]);
        case 1 -> meta.remove(META[random.nextInt(META.length)]);
        case 2 -> event.set(TOP[random.nextInt(TOP.length)], json(2));
        case 3 -> meta.set(META[random.nextInt(META.length)], json(1));
        case 4 -> (random.nextBoolean() ? event : meta).put("extra_" + random.nextInt(3), "x");
        case 5 -> meta.put("service", pick("", "shipping", "Billing", "billing ", "x".repeat(300), "bill\u0000ing", "invoicing"));
        case 6 -> event.put("id", pick("not-a-uuid", ID_POOL.get(1).toUpperCase(), "{" + ID_POOL.get(2) + "}", "", uuid()));
        case 7 -> meta.put("created_at", pick("2026-01-01T12:00:00", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
            "2026-02-30T00:00:00Z", "+10000-01-01T00:00:00Z", "2026-01-01T12:00:00.123456789+14:00"));
        case 8 -> {
          ObjectNode payload = event.putObject("payload");
          for (int p = 0; p < 3; p++) {
            payload.put("blob" + p, "z".repeat(2000 + random.nextInt(2096))); // over the event limit together
          }
        }
        default -> meta.put("received_at", "2020-01-01T00:00:00Z");
      }
    }
    return event;
  }

  private ArrayNode batch(int size) {
    ArrayNode batch = NODES.arrayNode();
    for (int i = 0; i < size; i++) {
      batch.add(random.nextInt(3) == 0 ? mutated(event()) : event());
    }
    return batch;
  }

  private String ndjson(int lines) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      text.append(random.nextInt(4) == 0 ? mutated(event()) : event()).append(random.nextInt(5) == 0 ? "\n\n" : "\n");
    }
    return text.toString();
  }

  private byte[] mutateBytes(byte[] original) {
    byte[] body = original;
    int operations = 1 + random.nextInt(4);
    for (int i = 0; i < operations && body.length > 0; i++) {
      int at = random.nextInt(body.length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      switch (random.nextInt(6)) {
        case 0 -> {
          body = body.clone();
          body[at] ^= (byte) (1 << random.nextInt(8));
          continue;
        }
        case 1 -> { // delete a range
          int end = Math.min(body.length, at + 1 + random.nextInt(20));
          out.write(body, 0, at);
          out.write(body, end, body.length - end);
        }
        case 2 -> { // insert nasty bytes
          out.write(body, 0, at);
          for (int n = 1 + random.nextInt(4); n > 0; n--) {
            out.write(NASTY[random.nextInt(NASTY.length)]);
          }
          out.write(body, at, body.length - at);
        }
        case 3 -> { // repeat a range
          int end = Math.min(body.length, at + 1 + random.nextInt(40));
          out.write(body, 0, end);
          out.write(body, at, body.length - at);
        }
        case 4 -> out.write(body, 0, at); // truncate
        default -> { // a byte order mark, or trailing garbage
          if (random.nextBoolean()) {
            out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, 0, 3);
            out.write(body, 0, body.length);
          } else {
            out.write(body, 0, body.length);
            out.write(NASTY, 0, 1 + random.nextInt(NASTY.length));
          }
        }
      }
      body = out.toByteArray();
    }
    return body;
  }

  /** JSON of random shape, at most {@code depth} containers deep. */
  private JsonNode json(int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextLong());
      case 3 -> NODES.numberNode(new BigDecimal(random.nextInt(100_000)).movePointLeft(random.nextInt(6)));
      case 4, 5 -> NODES.textNode(string());
      case 6 -> {
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(json(depth - 1));
        }
        yield array;
      }
      default -> object(depth - 1);
    };
  }

  private ObjectNode object(int depth) {
    ObjectNode object = NODES.objectNode();
    for (int i = random.nextInt(4); i > 0; i--) {
      object.set(string(), json(depth));
    }
    return object;
  }

  /** Short strings of any characters: ASCII, controls, accents, emoji, a lone surrogate now and then. */
  private String string() {
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      int kind = random.nextInt(10);
      s.append(kind < 6 ? (char) ('a' + random.nextInt(26)) : kind == 6 ? (char) random.nextInt(32)
          : kind == 7 ? "é€" : kind == 8 ? "\uD83D\uDE00" : random.nextInt(4) == 0 ? "\uD800" : "\"\\");
    }
    return s.toString();
  }

  private String deep(int depth) {
    ObjectNode event = event();
    event.remove("payload");
    StringBuilder open = new StringBuilder();
    StringBuilder close = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      boolean array = random.nextBoolean();
      open.append(array ? "[" : "{\"k\":");
      close.insert(0, array ? "]" : "}");
    }
    String text = event.toString();
    return text.substring(0, text.length() - 1) + ",\"payload\":{\"deep\":" + open + "1" + close + "}}";
  }

  /** A body over the 64 KiB limit: a batch of many events, or a valid event padded with spaces. */
  private byte[] oversized() {
    if (random.nextBoolean()) {
      return bytes(batch(20).toString() + " ".repeat(70 * 1024));
    }
    ArrayNode batch = NODES.arrayNode();
    while (batch.toString().length() < 70 * 1024) {
      ObjectNode event = event();
      ((ObjectNode) event.get("payload")).put("text", "w".repeat(4000));
      batch.add(event);
    }
    return bytes(batch.toString());
  }

  private String pick(String... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
