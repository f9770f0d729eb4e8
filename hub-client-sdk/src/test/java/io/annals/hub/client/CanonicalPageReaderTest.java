package io.annals.hub.client;

import io.annals.hub.client.internal.delivery.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The fast reader must read every page it accepts exactly as Jackson reads it, and give up on the
 * rest. Pages are generated as the hub lays them out (Jackson writes them here from trees in the
 * hub's member order, which is the text the hub's own writer is held to), with and without the
 * things the fast reader leaves to Jackson, and then corrupted byte by byte.
 */
class CanonicalPageReaderTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  private static final long[] SHARED_DAYS = {20_416, 20_417, -719_162, 0};
  private static final String PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.:@ ";
  /** Escaped on the wire, or not ASCII: the fast reader leaves envelope strings with these to Jackson. */
  private static final String[] AWKWARD = {"\"", "\\", "\n", "\u0001", "\u001f", "é", "€", "😀", "\u007f", "/"};

  @Test
  void pages_in_the_hubs_layout_are_read_by_the_fast_reader_as_jackson_reads_them() throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 2_000; i++) {
      byte[] body = page(random, false);

      FeedPage fast = CanonicalPageReader.read(body);

      assertThat(fast).as(new String(body, StandardCharsets.UTF_8)).isNotNull();
      assertSame(fast, FeedJson.tokenPage(body), body);
    }
  }

  @Test
  void pages_with_escapes_unicode_deep_or_odd_payloads_and_other_times_read_alike_whichever_reader_takes_them()
      throws IOException {
    SplittableRandom random = new SplittableRandom(12);
    int fastlyRead = 0;
    for (int i = 0; i < 3_000; i++) {
      byte[] body = page(random, true);

      FeedPage token = FeedJson.tokenPage(body);
      FeedPage fast = CanonicalPageReader.read(body);

      if (fast != null) {
        fastlyRead++;
        assertSame(fast, token, body);
      }
      assertSame(FeedJson.page(body), token, body);
    }
    // Both outcomes occur, so both halves of the claim were exercised.
    assertThat(fastlyRead).isBetween(300, 2_700);
  }

  @Test
  void a_corrupted_page_is_either_refused_by_the_fast_reader_or_read_as_jackson_reads_it() throws IOException {
    SplittableRandom random = new SplittableRandom(13);
    byte[] noise = "{}[],:\"\\ \t\n0123456789eE.-+tfnrulsabx\u0000\u007f".getBytes(StandardCharsets.ISO_8859_1);
    int refused = 0;
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] body = corrupt(page(random, random.nextInt(4) == 0, 1 + random.nextInt(3)), random, noise);

      FeedPage fast = CanonicalPageReader.read(body);
      if (fast == null) {
        refused++;
        continue;
      }
      accepted++;
      FeedPage token;
      try {
        token = FeedJson.tokenPage(body);
      } catch (IOException | RuntimeException e) {
        throw new AssertionError("the fast reader accepted what Jackson refuses: " + new String(body, StandardCharsets.UTF_8), e);
      }
      assertSame(fast, token, body);
    }
    assertThat(refused).isPositive();
    assertThat(accepted).isPositive();
  }

  @Test
  void what_jackson_refuses_still_fails_the_page() {
    String[] payloads = {"{\"a\":}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "[1,]", "{\"a\":tru}", "{\"a\":\"\\x\"}",
        "{\"a\":\"\u0001\"}", "{\"a\":1", "[[[]]"};
    for (String payload : payloads) {
      byte[] body = ("{\"events\":[{\"id\":\"e\",\"meta\":{\"service\":\"s\",\"type\":\"t\",\"created_at\":"
          + "\"2026-01-01T12:00:00.000000Z\",\"aggregate_id\":\"a\",\"received_at\":\"2026-01-01T12:00:01.000000Z\"},"
          + "\"payload\":" + payload + "}],\"next\":null}").getBytes(StandardCharsets.UTF_8);

      assertThat(CanonicalPageReader.read(body)).as(payload).isNull();
      assertThatThrownBy(() -> FeedJson.page(body)).as(payload).isInstanceOf(IOException.class);
    }
  }

  @Test
  void malformed_utf8_in_a_payload_string_is_left_to_jackson() {
    byte[][] sequences = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xC3}, {(byte) 0xFF}};
    for (byte[] sequence : sequences) {
      byte[] start = ("{\"events\":[{\"id\":\"e\",\"meta\":{\"service\":\"s\",\"type\":\"t\",\"created_at\":"
          + "\"2026-01-01T12:00:00.000000Z\",\"aggregate_id\":\"a\",\"received_at\":\"2026-01-01T12:00:01.000000Z\"},"
          + "\"payload\":{\"a\":\"x").getBytes(StandardCharsets.UTF_8);
      byte[] end = "\"}}],\"next\":null}".getBytes(StandardCharsets.UTF_8);
      byte[] body = Arrays.copyOf(start, start.length + sequence.length + end.length);
      System.arraycopy(sequence, 0, body, start.length, sequence.length);
      System.arraycopy(end, 0, body, start.length + sequence.length, end.length);

      assertThat(CanonicalPageReader.read(body)).as(Arrays.toString(sequence)).isNull();
    }
  }

  private static void assertSame(FeedPage actual, FeedPage expected, byte[] body) {
    Supplier<String> text = () -> new String(body, StandardCharsets.UTF_8);
    assertThat(actual.next()).as(text).isEqualTo(expected.next());
    assertThat(actual.stableUntil()).as(text).isEqualTo(expected.stableUntil());
    assertThat(actual.events()).as(text).hasSameSizeAs(expected.events());
    for (int i = 0; i < actual.events().size(); i++) {
      ReceivedEvent a = actual.events().get(i);
      ReceivedEvent e = expected.events().get(i);
      assertThat(fields(a)).as(text).isEqualTo(fields(e));
      // Grammatical JSON can still fail to become a tree (a number too large for BigDecimal): alike.
      JsonNode tree;
      try {
        tree = e.payload();
      } catch (RuntimeException refused) {
        assertThatThrownBy(a::payload).as(text).isInstanceOf(refused.getClass());
        continue;
      }
      assertThat(a.payload()).as(text).isEqualTo(tree);
    }
  }

  private static List<Object> fields(ReceivedEvent event) {
    return Arrays.asList(event.id(), event.service(), event.type(), event.createdAt(), event.aggregateId(),
        event.correlationId(), event.receivedAt(), event.payloadJson());
  }

  private static byte[] page(SplittableRandom random, boolean awkward) {
    return page(random, awkward, random.nextInt(12));
  }

  /** A page as the hub writes it; {@code awkward} mixes in what the fast reader may leave to Jackson. */
  private static byte[] page(SplittableRandom random, boolean awkward, int events) {
    ObjectNode page = NODES.objectNode();
    ArrayNode list = page.putArray("events");
    for (int i = 0; i < events; i++) {
      ObjectNode envelope = list.addObject();
      envelope.put("id", text(random, awkward));
      ObjectNode meta = envelope.putObject("meta");
      meta.put("service", text(random, awkward));
      meta.put("type", text(random, awkward));
      meta.put("created_at", time(random, awkward));
      meta.put("aggregate_id", text(random, awkward));
      if (random.nextBoolean()) {
        meta.put("correlation_id", text(random, awkward));
      }
      meta.put("received_at", time(random, awkward));
      JsonNode payload = random.nextInt(8) == 0 ? array(random, awkward, 0) : object(random, awkward, 0);
      if (awkward && random.nextInt(5) == 0) {
        envelope.putRawValue("payload", new RawValue(spaced(payload, random)));
      } else if (awkward && random.nextInt(10) == 0) {
        envelope.set("payload", scalar(random, true)); // kept as a tree by both readers, so left to Jackson
      } else if (awkward && random.nextInt(20) == 0) {
        // longer than the fast reader takes, shorter than Jackson's limit
        envelope.set("payload", NODES.objectNode().put("n", new BigInteger("9".repeat(150))));
      } else if (awkward && random.nextInt(10) == 0) {
        envelope.set("payload", nested(random.nextInt(CanonicalPageReader.MAX_DEPTH - 3, CanonicalPageReader.MAX_DEPTH + 3)));
      } else {
        envelope.set("payload", payload);
      }
    }
    if (random.nextInt(4) == 0) {
      page.putNull("next");
    } else {
      page.put("next", text(random, awkward));
    }
    if (random.nextBoolean()) {
      page.put("stable_until", time(random, awkward));
    }
    try {
      return Json.WRITER.writeValueAsBytes(page);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String text(SplittableRandom random, boolean awkward) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(24);
    for (int i = 0; i < length; i++) {
      if (awkward && random.nextInt(40) == 0) {
        text.append(AWKWARD[random.nextInt(AWKWARD.length)]);
      } else {
        text.append(PLAIN.charAt(random.nextInt(PLAIN.length())));
      }
    }
    return text.toString();
  }

  /** The hub's time format, or now and then (when awkward) another ISO-8601 form. */
  private static String time(SplittableRandom random, boolean awkward) {
    long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    // Most pages' times share a few dates (the reader reuses a date it just read): so do these.
    long seconds = random.nextBoolean() ? random.nextLong(min, max + 1)
        : SHARED_DAYS[random.nextInt(SHARED_DAYS.length)] * 86_400 + random.nextInt(86_400);
    Instant t = Instant.ofEpochSecond(seconds, random.nextInt(1_000_000) * 1000L);
    if (awkward && random.nextInt(30) == 0) {
      return t.toString();
    }
    return t.toString().substring(0, 19) + String.format(".%06dZ", t.getNano() / 1000);
  }

  private static ObjectNode object(SplittableRandom random, boolean awkward, int depth) {
    ObjectNode node = NODES.objectNode();
    int members = random.nextInt(depth == 0 ? 6 : 4);
    for (int i = 0; i < members; i++) {
      node.set(text(random, awkward || random.nextInt(3) == 0), value(random, awkward, depth + 1));
    }
    return node;
  }

  private static ArrayNode array(SplittableRandom random, boolean awkward, int depth) {
    ArrayNode node = NODES.arrayNode();
    int items = random.nextInt(4);
    for (int i = 0; i < items; i++) {
      node.add(value(random, awkward, depth + 1));
    }
    return node;
  }

  private static JsonNode value(SplittableRandom random, boolean awkward, int depth) {
    int kind = random.nextInt(depth > 4 ? 6 : 8);
    return switch (kind) {
      case 6 -> object(random, awkward, depth);
      case 7 -> array(random, awkward, depth);
      default -> scalar(random, awkward || random.nextInt(3) == 0);
    };
  }

  private static JsonNode scalar(SplittableRandom random, boolean awkward) {
    return switch (random.nextInt(9)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextInt(-1000, 1000));
      case 3 -> NODES.numberNode(random.nextLong());
      case 4 -> NODES.numberNode(BigDecimal.valueOf(random.nextLong(), random.nextInt(-5, 12)));
      case 5 -> NODES.numberNode(new BigInteger(random.nextInt(1, 300), new java.util.Random(random.nextLong())));
      case 6 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(-30, 30)));
      default -> NODES.textNode(text(random, awkward));
    };
  }

  private static JsonNode nested(int depth) {
    JsonNode node = NODES.objectNode();
    for (int i = 1; i < depth; i++) {
      node = i % 2 == 0 ? NODES.objectNode().set("k", node) : NODES.arrayNode().add(node);
    }
    return node;
  }

  /** The tree's JSON with whitespace wherever JSON allows it. */
  private static String spaced(JsonNode payload, SplittableRandom random) {
    String[] spaces = {" ", "\n", "\r\n", "\t", "  "};
    StringBuilder out = new StringBuilder();
    boolean inString = false;
    String compact = payload.toString();
    for (int i = 0; i < compact.length(); i++) {
      char c = compact.charAt(i);
      out.append(c);
      if (c == '"' && !escaped(compact, i)) {
        inString = !inString;
      }
      if (!inString && (c == '{' || c == '[' || c == ',' || c == ':') && random.nextBoolean()) {
        out.append(spaces[random.nextInt(spaces.length)]);
      }
    }
    return out.toString();
  }

  private static boolean escaped(String text, int quote) {
    int backslashes = 0;
    for (int i = quote - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  private static byte[] corrupt(byte[] body, SplittableRandom random, byte[] noise) {
    byte[] copy = body.clone();
    int at = random.nextInt(copy.length);
    return switch (random.nextInt(5)) {
      case 0 -> {
        copy[at] = noise[random.nextInt(noise.length)];
        yield copy;
      }
      case 1 -> {
        copy[at] = (byte) random.nextInt(256);
        yield copy;
      }
      case 2 -> {
        byte[] shorter = new byte[copy.length - 1];
        System.arraycopy(copy, 0, shorter, 0, at);
        System.arraycopy(copy, at + 1, shorter, at, copy.length - at - 1);
        yield shorter;
      }
      case 3 -> {
        byte[] longer = new byte[copy.length + 1];
        System.arraycopy(copy, 0, longer, 0, at);
        longer[at] = noise[random.nextInt(noise.length)];
        System.arraycopy(copy, at, longer, at + 1, copy.length - at);
        yield longer;
      }
      default -> Arrays.copyOf(copy, at);
    };
  }
}
