package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.ReadHub;
import io.annals.hub.server.query.Cursor;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad parameter of the read side answers 400 problem details naming it, never 500 and never a wider query. */
class BadReadParametersTest {

  private static final Instant T = Instant.parse("2026-01-01T12:00:00Z");
  private static final String FEED_CURSOR = Cursor.of(new Position(T, "0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11"));
  private static final String HISTORY_CURSOR = Cursor.of(new AggregatePosition(T, T, "0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11"));

  private static Path dir;
  private static ReadHub hub;

  @BeforeAll
  static void start_hub() throws Exception {
    dir = Files.createTempDirectory("bad-read-parameters");
    hub = ReadHub.start(Store.of(SqliteEventStore.open(dir)), dir);
  }

  @AfterAll
  static void stop_hub() {
    hub.close();
  }

  static Stream<Arguments> bad_parameters() {
    return Stream.of(
        Arguments.of("/events?limit=0", "limit"),
        Arguments.of("/events?limit=1001", "limit"),
        Arguments.of("/events?limit=ten", "limit"),
        Arguments.of("/events?limit=", "limit"),
        Arguments.of("/events?cursor=not-a-cursor", "cursor"),
        Arguments.of("/events?cursor=" + tampered(FEED_CURSOR), "cursor"),
        Arguments.of("/events?cursor=" + FEED_CURSOR.substring(0, FEED_CURSOR.length() - 3), "cursor"),
        Arguments.of("/events?cursor=" + HISTORY_CURSOR, "cursor"),
        Arguments.of("/events?cursor=" + FEED_CURSOR + "%3D%3D", "cursor"),
        Arguments.of("/events?received_after=yesterday", "received_after"),
        Arguments.of("/events?received_before=2026-01-01T12:00:00", "received_before"),
        Arguments.of("/events?received_before=2026-01-01T12:00:00+01:00", "received_before"),
        Arguments.of("/events?type=", "type"),
        Arguments.of("/events?type=a&type=b", "type"),
        Arguments.of("/events?service=" + "s".repeat(257), "service"),
        Arguments.of("/events?aggregate_id=a%0Ab", "aggregate_id"),
        Arguments.of("/events?correlation_id=" + "c".repeat(1025), "correlation_id"),
        Arguments.of("/events?types=paid", "types"),
        Arguments.of("/events?after=" + FEED_CURSOR, "after"),
        Arguments.of("/aggregates/payment%2F23/events?as_of=now", "as_of"),
        Arguments.of("/aggregates/payment%2F23/events?limit=-1", "limit"),
        Arguments.of("/aggregates/payment%2F23/events?cursor=" + FEED_CURSOR, "cursor"),
        Arguments.of("/aggregates/payment%2F23/events?cursor=" + tampered(HISTORY_CURSOR), "cursor"),
        Arguments.of("/aggregates/payment%2F23/events?type=paid", "type"),
        Arguments.of("/aggregates/" + "a".repeat(1025) + "/events", "aggregate_id"),
        Arguments.of("/aggregates/a%09b/events", "aggregate_id"),
        Arguments.of("/feed?types=a,,b", "types"),
        Arguments.of("/feed?types=", "types"),
        Arguments.of("/feed?after=" + HISTORY_CURSOR, "after"),
        Arguments.of("/feed?after=" + tampered(FEED_CURSOR), "after"),
        Arguments.of("/feed?after=%C3%A9t%C3%A9", "after"),
        Arguments.of("/feed?limit=5000", "limit"),
        Arguments.of("/feed?type=paid", "type"),
        Arguments.of("/feed?cursor=" + FEED_CURSOR, "cursor"),
        Arguments.of("/feed/lag?limit=10", "limit"),
        Arguments.of("/feed/lag?after=xyz", "after"),
        Arguments.of("/feed/lag?types=a,", "types"));
  }

  @ParameterizedTest(name = "{0} names {1}")
  @MethodSource
  void bad_parameters(String pathAndQuery, String parameter) {
    HttpResponse<String> answer = hub.get(pathAndQuery);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = parse(answer.body());
    assertThat(problem.get("type").asText()).isEqualTo("urn:annals:problem:invalid-parameter");
    assertThat(parameters(problem)).containsExactly(parameter);
    assertThat(problem.at("/errors/0/detail").asText()).isNotBlank();
  }

  @Test
  void several_bad_parameters_are_all_named_in_one_answer() {
    HttpResponse<String> answer = hub.get("/events?limit=0&cursor=x&received_after=soon&colour=red");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(parameters(parse(answer.body()))).containsExactlyInAnyOrder("limit", "cursor", "received_after", "colour");
  }

  @Test
  void every_single_character_change_of_a_cursor_is_refused() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < FEED_CURSOR.length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c == FEED_CURSOR.charAt(i)) {
          continue;
        }
        String changed = FEED_CURSOR.substring(0, i) + c + FEED_CURSOR.substring(i + 1);
        try {
          Cursor.position(changed, "after");
          accepted.add(changed);
        } catch (io.annals.hub.server.query.BadParametersException expected) {
          assertThat(expected.errors()).extracting(e -> e.parameter()).containsExactly("after");
        }
      }
    }

    assertThat(accepted).isEmpty();
  }

  private static List<String> parameters(JsonNode problem) {
    List<String> names = new ArrayList<>();
    problem.get("errors").forEach(e -> names.add(e.get("parameter").asText()));
    return names;
  }

  /** The cursor with one character in the middle replaced. */
  private static String tampered(String cursor) {
    int i = cursor.length() / 2;
    return cursor.substring(0, i) + (cursor.charAt(i) == 'A' ? 'B' : 'A') + cursor.substring(i + 1);
  }
}
