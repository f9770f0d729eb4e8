package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.EpochMicros;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 23, "Must show" 2: every CloudEvent of the corpus in {@code src/test/resources/cloudevents/corpus}
 * (the spec's examples, the shapes Knative, Dapr and Azure Event Grid document; its README says
 * where each comes from) is accepted by a real hub, comes back in the CloudEvents form with every
 * attribute as sent, and is a duplicate when sent again.
 */
class CloudEventsCorpusTest extends SqliteHubPerTest {


  static Stream<String> corpus() throws IOException, URISyntaxException {
    Path root = Path.of(CloudEventsCorpusTest.class.getResource("/cloudevents/corpus").toURI());
    try (Stream<Path> files = Files.list(root)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") || n.endsWith(".http")).sorted()
          .toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void each_corpus_event_is_accepted_given_back_as_sent_and_a_duplicate_when_sent_again(String file) throws Exception {
    Sent sent = Sent.read(Path.of(getClass().getResource("/cloudevents/corpus/" + file).toURI()));

    HttpResponse<String> first = hub.send(sent.request(hub));
    HttpResponse<String> again = hub.send(sent.request(hub));

    assertThat(first.statusCode()).as(file + ": " + first.body()).isEqualTo(201);
    assertThat(again.statusCode()).as(file + ": " + again.body()).isEqualTo(200);
    assertThat(hub.storedCount()).isEqualTo(1);
    String id = parse(first.body()).get("id").asText();
    HttpResponse<byte[]> read = getAs("/events/" + id, CloudEventsApiTest.STRUCTURED);
    assertGivenBackAsSent(parse(new String(read.body(), StandardCharsets.UTF_8)), sent);
  }

  /** Every attribute sent (null ones absent), nothing else but the hub's {@code receivedat}. */
  static void assertGivenBackAsSent(JsonNode read, Sent sent) {
    Set<String> expected = new HashSet<>();
    sent.attributes.forEach((name, value) -> {
      if (value.isNull()) {
        assertThat(read.has(name)).as("%s was sent as null, so absent", name).isFalse();
        return;
      }
      JsonNode got = read.get(name);
      if (name.equals("data_base64") && got == null) {
        expected.add("data");
      } else {
        expected.add(name);
        assertThat(got).as("attribute %s", name).isNotNull();
      }
      switch (name) {
        case "time" -> assertThat(OffsetDateTime.parse(got.asText()).toInstant())
            .isEqualTo(EpochMicros.truncate(OffsetDateTime.parse(value.asText()).toInstant()));
        case "data" -> assertThat(got).isEqualTo(value);
        // Text sent as bytes comes back as the JSON format's string form of the same bytes.
        case "data_base64" -> assertThat(got != null ? Base64.getDecoder().decode(got.asText())
            : read.get("data").asText().getBytes(StandardCharsets.UTF_8)).isEqualTo(Base64.getDecoder().decode(value.asText()));
        // Jetty hands a header "charset=utf-8" over as "charset=UTF-8"; charset names are case-insensitive (RFC 2046).
        case "datacontenttype" -> assertThat(got.asText()).isEqualToIgnoringCase(value.asText());
        default -> assertThat(got.asText()).as("attribute %s", name).isEqualTo(value.asText());
      }
    });
    expected.add("receivedat");
    Set<String> names = new HashSet<>();
    read.fieldNames().forEachRemaining(names::add);
    assertThat(names).isEqualTo(expected);
  }

  /** A corpus file as the attributes it sends and the request that sends them. */
  record Sent(Map<String, JsonNode> attributes, Map<String, String> headers, byte[] body) {

    static Sent read(Path file) throws IOException {
      byte[] bytes = Files.readAllBytes(file);
      Map<String, JsonNode> attributes = new LinkedHashMap<>();
      Map<String, String> headers = new LinkedHashMap<>();
      if (file.toString().endsWith(".json")) {
        JsonNode ce = parse(new String(bytes, StandardCharsets.UTF_8));
        for (Iterator<Map.Entry<String, JsonNode>> it = ce.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          attributes.put(f.getKey(), f.getValue());
        }
        headers.put("Content-Type", CloudEventsApiTest.STRUCTURED);
        return new Sent(attributes, headers, bytes);
      }
      // Header lines, a blank line, the body as bytes.
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int blank = text.indexOf("\n\n");
      for (String line : text.substring(0, blank).split("\n")) {
        String[] kv = line.split(":", 2);
        headers.put(kv[0].trim(), kv[1].trim());
        String name = kv[0].trim().toLowerCase(Locale.ROOT);
        if (name.startsWith("ce-")) {
          attributes.put(name.substring(3), parse("\"" + kv[1].trim() + "\""));
        } else if (name.equals("content-type")) {
          attributes.put("datacontenttype", parse("\"" + kv[1].trim() + "\""));
        }
      }
      byte[] body = Arrays.copyOfRange(bytes, blank + 2, bytes.length);
      String contentType = headers.getOrDefault("Content-Type", "");
      if (contentType.contains("json")) {
        attributes.put("data", parse(new String(body, StandardCharsets.UTF_8)));
      } else if (body.length > 0) {
        attributes.put("data_base64", parse("\"" + Base64.getEncoder().encodeToString(body) + "\""));
      }
      return new Sent(attributes, headers, body);
    }

    HttpRequest request(TestHub hub) {
      HttpRequest.Builder r = HttpRequest.newBuilder(hub.uri("/events")).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(r::header);
      return r.build();
    }
  }
}
