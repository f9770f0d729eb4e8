package io.annals.hub.client.internal.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.client.Outcome;
import io.annals.hub.wire.FeedWire;
import io.annals.hub.wire.WireTime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Posts batches of spooled envelopes to the hub's {@code POST /events} as a JSON array and reads
 * the answer. It never throws for what the hub or the network did: every case is an {@link Answer}.
 */
public final class HubTransport {

  private final URI events;
  private final String authorization;
  private final Duration requestTimeout;
  private final Clock clock;
  private final HttpClient http;

  public HubTransport(URI hub, String apiKey, Duration requestTimeout, Clock clock) {
    this.events = hub.resolve("/events");
    this.authorization = apiKey == null ? null : "Bearer " + apiKey;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    // HTTP/1.1: no h2c upgrade dance on plain http, and one connection per in-flight batch is enough.
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(requestTimeout)
        .build();
  }

  /**
   * Posts {@code envelopes} (each one event's JSON) as one array; interrupting abandons the request.
   * The body goes as one array with its length: a body of many parts would go chunked, one small
   * chunk per part, which costs both sides far more than the copy.
   */
  public Answer post(List<byte[]> envelopes) throws InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(events)
        .timeout(requestTimeout)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(array(envelopes)));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return new Answer.Retry(0, null, "hub " + events + " unreachable: " + e);
    }
    return read(response, envelopes.size());
  }

  /** The JSON array of {@code envelopes}. */
  static byte[] array(List<byte[]> envelopes) {
    int length = 2 + Math.max(0, envelopes.size() - 1);
    for (byte[] envelope : envelopes) {
      length += envelope.length;
    }
    byte[] body = new byte[length];
    body[0] = '[';
    int at = 1;
    for (byte[] envelope : envelopes) {
      if (at > 1) {
        body[at++] = ',';
      }
      System.arraycopy(envelope, 0, body, at, envelope.length);
      at += envelope.length;
    }
    body[at] = ']';
    return body;
  }

  private Answer read(HttpResponse<byte[]> response, int sent) {
    int status = response.statusCode();
    String body = new String(response.body(), StandardCharsets.UTF_8);
    Duration retryAfter = response.headers().firstValue("Retry-After").map(this::retryAfter).orElse(null);
    return switch (status) {
      case 200 -> results(body, sent);
      case 400, 401, 403, 413 -> rejected(status, body);
      default -> new Answer.Retry(status, retryAfter, "hub answered " + status + ": " + abbreviate(body));
    };
  }

  private static Answer results(String body, int sent) {
    try {
      JsonNode results = Json.READER.readTree(body).path("results");
      if (!results.isArray() || results.size() != sent) {
        return new Answer.Retry(200, null, "hub answered " + results.size() + " results for " + sent
            + " events: " + abbreviate(body));
      }
      List<Answer.EventResult> list = new ArrayList<>(sent);
      for (JsonNode result : results) {
        Outcome outcome = Outcome.fromWireName(result.path("outcome").asText());
        if (outcome == null) {
          return new Answer.Retry(200, null, "hub answered an unknown outcome: " + result);
        }
        Instant receivedAt = result.path(FeedWire.RECEIVED_AT).isTextual()
            ? WireTime.parse(result.get(FeedWire.RECEIVED_AT).asText()) : null;
        List<String> errors = errors(result);
        String detail = outcome.delivered() ? null
            : "hub answered " + outcome.wireName() + (errors.isEmpty() ? "" : ": " + String.join("; ", errors));
        list.add(new Answer.EventResult(result.path("id").asText(), outcome, receivedAt, detail, errors));
      }
      return new Answer.Results(list);
    } catch (IOException | RuntimeException e) {
      return new Answer.Retry(200, null, "unreadable answer from the hub (" + e.getMessage() + "): " + abbreviate(body));
    }
  }

  private static Answer rejected(int status, String body) {
    List<String> errors = List.of();
    String detail = abbreviate(body);
    try {
      JsonNode problem = Json.READER.readTree(body);
      errors = errors(problem);
      String text = problem.path("detail").asText(problem.path("title").asText(""));
      if (!text.isEmpty()) {
        detail = text;
      }
    } catch (IOException | RuntimeException notProblemJson) {
      // Keep the raw body as the detail.
    }
    return new Answer.Rejected(status, "hub rejected the request with " + status + ": " + detail, errors);
  }

  private static List<String> errors(JsonNode node) {
    List<String> errors = new ArrayList<>();
    for (JsonNode error : node.path("errors")) {
      errors.add(error.isTextual() ? error.asText()
          : error.path("pointer").asText("") + ": " + error.path("detail").asText(""));
    }
    return errors;
  }

  /** Retry-After as delay-seconds or an HTTP-date (RFC 9110); null when it is neither. */
  private Duration retryAfter(String value) {
    String trimmed = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration delay = Duration.between(clock.instant(), at);
        return delay.isNegative() ? Duration.ZERO : delay;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  private static String abbreviate(String body) {
    String oneLine = body.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
  }
}
