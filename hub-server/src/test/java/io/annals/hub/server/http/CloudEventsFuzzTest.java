package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestHub;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 23, "Must show" 3: CloudEvents headers and bodies mutated at random from the corpus
 * (attributes dropped, given other JSON types, renamed against the naming rule, data replaced by
 * other values and bytes, header values broken, batches mixing good and bad) sent to a real hub:
 * no answer is a 500, every row the store gains is an event the answer says was created (nothing
 * is half-written), and every created event reads back in the CloudEvents form. The seed is fixed,
 * so a failure replays; the output names the case.
 */
class CloudEventsFuzzTest extends SqliteHubPerTest {

  static final long SEED = 23L;
  static final int CASES = 400;
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;


  @Test
  void fuzzed_cloudevents_never_get_a_500_and_never_write_part_of_a_request() throws Exception {
    Random random = new Random(SEED);
    List<ObjectNode> seeds = corpusEvents();
    int created = 0;
    int refused = 0;
    Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    for (int i = 0; i < CASES; i++) {
      int before = hub.sqliteRowCount();
      Case c = switch (random.nextInt(3)) {
        case 0 -> structured(mutate(seeds, random), i);
        case 1 -> batch(seeds, random, i);
        default -> binary(mutate(seeds, random), random, i);
      };
      HttpResponse<String> answer = hub.send(c.request(hub));
      int gained = hub.sqliteRowCount() - before;

      assertThat(answer.statusCode()).as("case %d (%s): %s", i, c.what, answer.body()).isLessThan(500);
      List<String> createdIds = createdIds(answer, c.batch);
      assertThat(gained).as("case %d (%s): rows gained vs events created: %s", i, c.what, answer.body())
          .isEqualTo(createdIds.size());
      for (String id : createdIds) {
        HttpResponse<byte[]> read = getAs("/events/" + id, CloudEventsApiTest.STRUCTURED);
        assertThat(read.statusCode()).as("case %d: reading %s back", i, id).isEqualTo(200);
      }
      created += createdIds.size();
      refused += answer.statusCode() >= 400 ? 1 : 0;
      statuses.merge(answer.statusCode(), 1, Integer::sum);
    }
    System.out.printf("CloudEventsFuzzTest: %d cases (seed %d): %d events created, %d requests refused with 4xx; statuses %s%n",
        CASES, SEED, created, refused, statuses);
    // A fuzzer that only ever produced refusals (or only acceptances) would prove little.
    assertThat(created).isPositive();
    assertThat(refused).isPositive();
  }

  static List<String> createdIds(HttpResponse<String> answer, boolean batch) {
    List<String> ids = new ArrayList<>();
    if (batch && answer.statusCode() == 200) {
      for (JsonNode r : parse(answer.body()).get("results")) {
        if (r.path("outcome").asText().equals("created")) {
          ids.add(r.get("id").asText());
        }
      }
    } else if (!batch && answer.statusCode() == 201) {
      ids.add(parse(answer.body()).get("id").asText());
    }
    return ids;
  }

  record Case(String what, boolean batch, Map<String, String> headers, byte[] body) {

    HttpRequest request(TestHub hub) {
      HttpRequest.Builder r = HttpRequest.newBuilder(hub.uri("/events")).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(r::header);
      return r.build();
    }
  }

  static Case structured(ObjectNode ce, int i) {
    return new Case("structured " + abbreviate(ce.toString()), false,
        Map.of("Content-Type", CloudEventsApiTest.STRUCTURED), ce.toString().getBytes(StandardCharsets.UTF_8));
  }

  static Case batch(List<ObjectNode> seeds, Random random, int i) {
    ArrayNode batch = NODES.arrayNode();
    int n = 1 + random.nextInt(5);
    for (int k = 0; k < n; k++) {
      batch.add(random.nextBoolean() ? fresh(seeds.get(random.nextInt(seeds.size())), random) : mutate(seeds, random));
    }
    return new Case("batch " + abbreviate(batch.toString()), true,
        Map.of("Content-Type", CloudEventsApiTest.BATCH), batch.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The attributes as ce-* headers (values percent-encoded as the binding says, sometimes broken), data as the body. */
  static Case binary(ObjectNode ce, Random random, int i) {
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    for (Iterator<Map.Entry<String, JsonNode>> it = ce.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (name.equals("data")) {
        body = (v.isTextual() ? v.asText() : v.toString()).getBytes(StandardCharsets.UTF_8);
      } else if (name.equals("data_base64")) {
        body = randomBytes(random);
      } else if (name.equals("datacontenttype")) {
        headers.put("Content-Type", v.asText().replaceAll("[^ -~]", "?"));
      } else if (name.matches("[A-Za-z0-9_-]+")) {
        headers.put("ce-" + name, encode(v.isTextual() ? v.asText() : v.toString(), random));
      }
    }
    if (random.nextInt(4) == 0) {
      body = randomBytes(random);
    }
    if (random.nextInt(6) == 0) {
      headers.put("Content-Type", List.of("application/json", "text/plain", "application/octet-stream",
          "application/json; charset=latin-1", "application/cloudevents+json", "x", "").get(random.nextInt(7)));
    }
    return new Case("binary " + headers + " body " + body.length + " bytes", false, headers, body);
  }

  /** A corpus event with a fresh id, valid as it was. */
  static ObjectNode fresh(ObjectNode seed, Random random) {
    ObjectNode ce = seed.deepCopy();
    ce.put("id", "fuzz-" + random.nextLong());
    return ce;
  }

  /** A corpus event with a fresh id and one to three random changes. */
  static ObjectNode mutate(List<ObjectNode> seeds, Random random) {
    ObjectNode ce = fresh(seeds.get(random.nextInt(seeds.size())), random);
    int changes = 1 + random.nextInt(3);
    for (int k = 0; k < changes; k++) {
      List<String> names = new ArrayList<>();
      ce.fieldNames().forEachRemaining(names::add);
      String target = names.isEmpty() ? "id" : names.get(random.nextInt(names.size()));
      switch (random.nextInt(5)) {
        case 0 -> ce.remove(target);
        case 1 -> ce.set(target, randomValue(random));
        case 2 -> ce.set(randomName(random), randomValue(random));
        case 3 -> {
          ce.remove("data");
          ce.put("data_base64", random.nextBoolean() ? "not base64 %%" : java.util.Base64.getEncoder().encodeToString(randomBytes(random)));
        }
        default -> ce.set(List.of("time", "specversion", "datacontenttype", "subject", "source").get(random.nextInt(5)),
            randomValue(random));
      }
    }
    return ce;
  }

  static JsonNode randomValue(Random random) {
    return switch (random.nextInt(11)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.numberNode(random.nextInt());
      case 2 -> NODES.numberNode(new java.math.BigDecimal("1e400"));
      case 3 -> NODES.numberNode(random.nextDouble());
      case 4 -> NODES.booleanNode(random.nextBoolean());
      case 5 -> NODES.arrayNode().add(1).add("x");
      case 6 -> NODES.objectNode().put("k", "v");
      case 7 -> NODES.textNode("");
      case 8 -> NODES.textNode("ctl\u0001\u007f" + (char) random.nextInt(0x3000));
      case 9 -> NODES.textNode("x".repeat(random.nextBoolean() ? 1100 : 5000));
      default -> NODES.textNode(List.of("2026-01-01T12:00:00Z", "1.0", "yesterday", "+999999-01-01T00:00:00Z",
          "application/json", "text/xml").get(random.nextInt(6)));
    };
  }

  static String randomName(Random random) {
    String alphabet = "abcxyz0189ABZ_-.~é/ ";
    int length = random.nextInt(6) == 0 ? 70 + random.nextInt(10) : 1 + random.nextInt(12);
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < length; i++) {
      name.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return name.toString();
  }

  static byte[] randomBytes(Random random) {
    byte[] b = new byte[random.nextInt(64)];
    random.nextBytes(b);
    return b;
  }

  /** Percent-encoding of everything outside printable ASCII, sometimes broken on purpose. */
  static String encode(String value, Random random) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '%' && c != '"') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return switch (random.nextInt(8)) {
      case 0 -> out + "%G1";
      case 1 -> out + "%C3"; // a UTF-8 sequence cut short
      default -> out.toString();
    };
  }

  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  static List<ObjectNode> corpusEvents() throws Exception {
    Path root = Path.of(CloudEventsFuzzTest.class.getResource("/cloudevents/corpus").toURI());
    List<ObjectNode> events = new ArrayList<>();
    try (var files = Files.list(root)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        events.add((ObjectNode) parse(Files.readString(p)));
      }
    }
    return events;
  }
}
