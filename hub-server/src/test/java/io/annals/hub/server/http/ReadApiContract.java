package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.newId;
import static io.annals.hub.server.TestEvents.node;
import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.ReadHub;
import io.annals.hub.server.query.Cursor;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.Position;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read side over HTTP against a real hub: {@code GET /events}, aggregate playback and the feed;
 * one subclass per storage adapter.
 */
abstract class ReadApiContract {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  @TempDir Path dir;
  ReadHub hub;

  abstract Store newStore(Path dir);

  @BeforeEach
  void start_hub() {
    hub = ReadHub.start(newStore(dir), dir);
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  static ObjectNode event(String type, String service, String aggregateId, Instant createdAt) {
    ObjectNode e = node(newId());
    ObjectNode meta = (ObjectNode) e.get("meta");
    meta.put("type", type).put("service", service).put("aggregate_id", aggregateId).put("created_at", createdAt.toString());
    return e;
  }

  /** Posts the events one request each, in order, and returns their ids. */
  List<String> postEach(List<ObjectNode> events) {
    List<String> ids = new ArrayList<>();
    for (ObjectNode e : events) {
      assertThat(hub.postJson(e.toString()).statusCode()).isEqualTo(201);
      ids.add(e.get("id").asText());
    }
    return ids;
  }

  static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("events").forEach(e -> ids.add(e.get("id").asText()));
    return ids;
  }

  /** Follows {@code next} from {@code path} (which has a query already) until it is null; every id seen. */
  List<String> followToTheEnd(String path) {
    List<String> seen = new ArrayList<>();
    String next = null;
    do {
      JsonNode page = hub.getJson(path + (next == null ? "" : "&cursor=" + next));
      seen.addAll(ids(page));
      next = page.get("next").isNull() ? null : page.get("next").asText();
    } while (next != null);
    return seen;
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Nested
  class Query {

    List<String> paid;
    List<String> all;

    @BeforeEach
    void given_events_of_two_types_and_services() {
      List<ObjectNode> events = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        events.add(event(i % 2 == 0 ? "paid" : "refunded", i % 3 == 0 ? "shipping" : "billing", "payment/" + i, T0));
      }
      all = postEach(events);
      paid = IntStream.range(0, 7).filter(i -> i % 2 == 0).mapToObj(all::get).toList();
    }

    @Test
    void without_filters_every_event_comes_in_received_at_order_with_next_null_at_the_end() {
      JsonNode page = hub.getJson("/events");

      assertThat(ids(page)).containsExactlyElementsOf(all);
      assertThat(page.get("next").isNull()).isTrue();
    }

    @Test
    void filters_combine_and_pages_follow_next_without_gaps_or_repeats() {
      assertThat(followToTheEnd("/events?type=paid&limit=2")).containsExactlyElementsOf(paid);
      assertThat(followToTheEnd("/events?type=paid&service=billing&limit=1"))
          .containsExactlyElementsOf(IntStream.of(2, 4).mapToObj(all::get).toList());
      assertThat(followToTheEnd("/events?aggregate_id=" + encode("payment/3") + "&limit=1")).containsExactly(all.get(3));
      assertThat(followToTheEnd("/events?correlation_id=" + encode("container/subscription/42") + "&limit=3"))
          .containsExactlyElementsOf(all);
    }

    @Test
    void received_after_and_received_before_are_exclusive_bounds() {
      JsonNode everything = hub.getJson("/events");
      String second = everything.get("events").get(1).at("/meta/received_at").asText();
      String fifth = everything.get("events").get(4).at("/meta/received_at").asText();

      List<String> between = ids(hub.getJson("/events?received_after=" + second + "&received_before=" + fifth));

      // One event per request, so each has its own received_at.
      assertThat(between).containsExactly(all.get(2), all.get(3));
    }

    @Test
    void listed_events_have_the_envelope_of_get_event_by_id() {
      JsonNode listed = hub.getJson("/events?limit=1").get("events").get(0);

      assertThat(listed).isEqualTo(parse(hub.get("/events/" + all.get(0)).body()));
      assertThat(listed.at("/meta/received_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    }
  }

  @Nested
  class Playback {

    @Test
    void events_of_one_aggregate_posted_in_shuffled_order_come_back_in_created_at_order() {
      // Given ten events of payment/23 created a second apart, posted in shuffled order, among others
      List<ObjectNode> inCreatedOrder = IntStream.range(0, 10)
          .mapToObj(i -> event("step-" + i, "billing", "payment/23", T0.plusSeconds(i))).toList();
      List<ObjectNode> shuffled = new ArrayList<>(inCreatedOrder);
      Collections.shuffle(shuffled, new Random(23));
      shuffled.add(3, event("step-x", "billing", "payment/24", T0));
      postEach(shuffled);
      List<String> expected = inCreatedOrder.stream().map(e -> e.get("id").asText()).toList();

      // When the history is read whole, and in pages of 3, through an encoded slash
      JsonNode whole = hub.getJson("/aggregates/payment%2F23/events");
      List<String> paged = followToTheEnd("/aggregates/payment%2F23/events?limit=3");

      // Then both are the created_at order
      assertThat(ids(whole)).containsExactlyElementsOf(expected);
      assertThat(whole.get("next").isNull()).isTrue();
      assertThat(paged).containsExactlyElementsOf(expected);
    }

    @Test
    void as_of_keeps_the_events_created_up_to_and_at_that_instant() {
      List<String> ids = postEach(List.of(
          event("opened", "billing", "payment/23", T0.plusSeconds(30)),
          event("authorised", "billing", "payment/23", T0.plusSeconds(10)),
          event("captured", "billing", "payment/23", T0.plusSeconds(20))));

      assertThat(ids(hub.getJson("/aggregates/payment%2F23/events?as_of=" + T0.plusSeconds(20))))
          .containsExactly(ids.get(1), ids.get(2));
      assertThat(ids(hub.getJson("/aggregates/payment%2F23/events?as_of=" + encode("2026-01-01T13:00:19.999999+01:00"))))
          .containsExactly(ids.get(1));
      assertThat(ids(hub.getJson("/aggregates/payment%2F23/events?as_of=" + T0.plusSeconds(9)))).isEmpty();
      assertThat(ids(hub.getJson("/aggregates/payment%2F23/events?as_of=" + T0.plusSeconds(31))))
          .containsExactly(ids.get(1), ids.get(2), ids.get(0));
    }

    @Test
    void events_created_at_the_same_instant_play_back_in_received_at_order() {
      List<String> ids = postEach(List.of(
          event("b", "billing", "order/7", T0), event("a", "billing", "order/7", T0), event("c", "billing", "order/7", T0)));

      assertThat(ids(hub.getJson("/aggregates/order%2F7/events"))).containsExactlyElementsOf(ids);
    }

    @Test
    void raw_slashes_and_other_characters_in_the_aggregate_id_work_when_encoded_or_not() {
      String odd = "paiement/é/23 x+y%z?w";
      String id = postEach(List.of(event("opened", "billing", odd, T0))).get(0);
      postEach(List.of(event("opened", "billing", "a/events", T0)));
      String nested = postEach(List.of(event("opened", "billing", "a/events/events", T0))).get(0);

      assertThat(ids(hub.getJson("/aggregates/" + encode(odd) + "/events"))).containsExactly(id);
      assertThat(ids(hub.getJson("/aggregates/" + encode(odd).replace("%2F", "/") + "/events"))).containsExactly(id);
      assertThat(ids(hub.getJson("/aggregates/a/events/events/events"))).containsExactly(nested);
      assertThat(ids(hub.getJson("/aggregates/payment%2Fnone/events"))).isEmpty();
    }
  }

  @Nested
  class Feed {

    @Test
    void an_empty_store_answers_an_empty_page_with_a_cursor_at_the_stable_point() {
      JsonNode page = hub.getJson("/feed");

      assertThat(page.get("events")).isEmpty();
      Instant stable = Instant.parse(page.get("stable_until").asText());
      assertThat(Cursor.position(page.get("next").asText(), "after")).isEqualTo(new Position(stable, ""));
    }

    @Test
    void following_next_yields_the_named_types_in_received_at_order_once_each() {
      List<String> ids = postEach(IntStream.range(0, 9)
          .mapToObj(i -> event("t" + i % 3, "billing", "payment/" + i, T0)).toList());
      List<String> wanted = IntStream.range(0, 9).filter(i -> i % 3 != 1).mapToObj(ids::get).toList();
      Awaited.feedHolds(hub, ids.size());

      List<String> seen = new ArrayList<>();
      String after = null;
      for (int read = 0; read < 3; read++) {
        JsonNode page = hub.getJson("/feed?types=t0,t2&limit=2" + (after == null ? "" : "&after=" + after));
        seen.addAll(ids(page));
        assertThat(page.get("next").isTextual()).isTrue();
        after = page.get("next").asText();
      }
      JsonNode tail = hub.getJson("/feed?types=t0,t2&after=" + after);

      assertThat(seen).containsExactlyElementsOf(wanted);
      assertThat(tail.get("events")).isEmpty();
      assertThat(tail.get("next").asText()).isNotEmpty();
    }

    @Test
    void a_feed_page_repeats_its_cursor_stable_point_and_count_in_headers() {
      postEach(IntStream.range(0, 3).mapToObj(i -> event("h", "billing", "payment/" + i, T0)).toList());
      Awaited.feedHolds(hub, 3);

      HttpResponse<String> answer = hub.get("/feed?types=h&limit=2");
      JsonNode page = parse(answer.body());

      assertThat(answer.headers().firstValue("Annals-Next-Cursor")).contains(page.get("next").asText());
      assertThat(answer.headers().firstValue("Annals-Stable-Until")).contains(page.get("stable_until").asText());
      assertThat(answer.headers().firstValue("Annals-Event-Count")).contains("2");
      HttpResponse<String> tail = hub.get("/feed?types=h&limit=2&after=" + page.get("next").asText());
      assertThat(tail.headers().firstValue("Annals-Event-Count")).contains("1");
    }

    @Test
    void next_never_moves_back_from_a_cursor_ahead_of_the_stable_point() {
      String ahead = Cursor.of(new Position(Instant.now().plusSeconds(3600), ""));

      JsonNode page = hub.getJson("/feed?after=" + ahead);

      assertThat(page.get("events")).isEmpty();
      assertThat(page.get("next").asText()).isEqualTo(ahead);
    }

    @Test
    void feed_lag_counts_the_events_after_a_cursor_and_names_the_oldest() {
      List<String> ids = postEach(IntStream.range(0, 5).mapToObj(i -> event(i < 3 ? "a" : "b", "billing", "p/" + i, T0)).toList());
      Awaited.feedHolds(hub, ids.size());
      JsonNode first = hub.getJson("/feed?limit=1");

      JsonNode all = hub.getJson("/feed/lag");
      JsonNode afterFirst = hub.getJson("/feed/lag?types=a&after=" + first.get("next").asText());
      JsonNode ofNone = hub.getJson("/feed/lag?types=none");

      assertThat(all.get("events").asLong()).isEqualTo(5);
      assertThat(all.get("oldest_received_at").asText()).isEqualTo(first.at("/events/0/meta/received_at").asText());
      assertThat(afterFirst.get("events").asLong()).isEqualTo(2);
      assertThat(ofNone.get("events").asLong()).isZero();
      assertThat(ofNone.get("oldest_received_at").isNull()).isTrue();
      assertThat(Instant.parse(ofNone.get("stable_until").asText())).isAfter(T0);
    }

    @Test
    void the_query_shapes_the_sdk_feed_reader_sends_are_accepted() {
      // FeedReader.lag builds "/feed/lag?" and "/feed/lag?types=a&" when it has no cursor
      assertThat(hub.get("/feed/lag?").statusCode()).isEqualTo(200);
      assertThat(hub.get("/feed/lag?types=a&").statusCode()).isEqualTo(200);
      assertThat(hub.get("/feed?limit=10&types=a%2Cb").statusCode()).isEqualTo(200);
    }

    @Test
    void feed_events_have_the_envelope_of_get_event_by_id() {
      String id = postEach(List.of(event("a", "billing", "payment/1", T0))).get(0);
      Awaited.feedHolds(hub, 1);

      JsonNode listed = hub.getJson("/feed").get("events").get(0);

      assertThat(listed).isEqualTo(parse(hub.get("/events/" + id).body()));
    }
  }

  /** Waits (bounded, no timing assertion) until the feed's stable point has passed the events posted. */
  static final class Awaited {
    static void feedHolds(ReadHub hub, int events) {
      io.annals.hub.server.Await.until("feed holds " + events + " events",
          () -> hub.getJson("/feed/lag").get("events").asLong() >= events);
    }
  }
}
