package io.annals.hub.server.ingest;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.annals.hub.server.Await;
import io.annals.hub.server.GatedEventStore;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.feed.InFlightWatermark;
import io.annals.hub.server.feed.ReceivedAtClock;
import io.annals.hub.server.feed.WatermarkPublisher;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.StoreUnavailableException;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group committer on its own, over a real SQLite store: how it groups queued requests into
 * transactions, its queue bound to the event, what it publishes with a commit, and what a failed
 * commit leaves behind. The store's first append can be held at a gate, so that requests pile up
 * behind it for certain.
 */
class GroupCommitterTest {

  @TempDir Path dir;
  SqliteEventStore sqlite;
  GatedEventStore gated;
  ReceivedAtClock clock;
  InFlightWatermark watermark;
  HubMetrics metrics;
  final ExecutorService clients = Executors.newFixedThreadPool(8);
  final List<GroupCommitter> opened = new ArrayList<>();
  int nextEvent = 1;

  @BeforeEach
  void open() {
    sqlite = SqliteEventStore.open(dir.resolve("data"));
    gated = new GatedEventStore(Store.of(sqlite));
    clock = new ReceivedAtClock(sqlite::clock);
    watermark = new InFlightWatermark(clock);
    metrics = new HubMetrics();
  }

  @AfterEach
  void close() {
    gated.open();
    opened.forEach(GroupCommitter::close);
    clients.shutdownNow();
    sqlite.close();
    metrics.close();
  }

  /** Requests of at most 3 events, queued up to {@code queueCapacity}, committed {@code perCommit} at a time. */
  GroupCommitter committer(EventLog log, int queueCapacity, int perCommit, WatermarkPublisher publisher) {
    return committer(log, queueCapacity, perCommit, publisher, Duration.ofSeconds(60));
  }

  GroupCommitter committer(EventLog log, int queueCapacity, int perCommit, WatermarkPublisher publisher, Duration maxWait) {
    IngestLimits limits = new IngestLimits(1 << 20, 3, Duration.ofMinutes(5), queueCapacity, perCommit, maxWait);
    GroupCommitter committer = new GroupCommitter(log, watermark, limits, metrics, publisher);
    opened.add(committer);
    return committer;
  }

  List<Event> events(int count) {
    return IntStream.range(0, count).mapToObj(n -> anEvent(nextEvent++).build().event()).toList();
  }

  /** Sends {@code events} from another thread and returns once they are queued (or taken). */
  Future<List<AppendResult>> queued(GroupCommitter committer, List<Event> events) {
    int before = committer.queuedEvents();
    Future<List<AppendResult>> answer = clients.submit(() -> committer.append(events));
    Await.until(events.size() + " more events queued", () -> committer.queuedEvents() == before + events.size());
    return answer;
  }

  /** Waits for {@code answer} and returns how it failed (the deadline only turns a hang into a failure). */
  static RequestRejectedException rejection(Future<List<AppendResult>> answer) {
    ExecutionException failed = catchThrowableOfType(ExecutionException.class, () -> answer.get(60, TimeUnit.SECONDS));
    assertThat(failed).as("the request failed").isNotNull();
    assertThat(failed.getCause()).isInstanceOf(RequestRejectedException.class);
    return (RequestRejectedException) failed.getCause();
  }

  static List<String> storedIds(List<AppendResult> results) {
    return results.stream().map(r -> r.stored().id()).toList();
  }

  static List<String> ids(List<Event> events) {
    return events.stream().map(Event::id).toList();
  }

  @Test
  void queued_requests_are_committed_together_up_to_the_events_per_commit_and_never_split() throws Exception {
    GroupCommitter committer = committer(gated, 20, 3, null);
    Future<List<AppendResult>> first = clients.submit(() -> committer.append(events(1)));
    gated.awaitFirstAppend();
    List<List<Event>> sent = List.of(events(2), events(1), events(2), events(3));
    List<Future<List<AppendResult>>> answers = new ArrayList<>();
    for (List<Event> request : sent) {
      answers.add(queued(committer, request));
    }

    gated.open();

    assertThat(first.get(60, TimeUnit.SECONDS)).hasSize(1);
    for (int i = 0; i < sent.size(); i++) {
      assertThat(storedIds(answers.get(i).get(60, TimeUnit.SECONDS))).as("request %d's own results, in order", i)
          .isEqualTo(ids(sent.get(i)));
    }
    // 2 + 1 fill a commit of 3 exactly; 2 + 3 would be 5, so each goes alone
    assertThat(gated.appendSizes()).containsExactly(1, 3, 2, 3);
  }

  @Test
  void the_queue_takes_events_up_to_its_capacity_exactly_and_refuses_the_next_with_429() throws Exception {
    GroupCommitter committer = committer(gated, 4, 10, null);
    clients.submit(() -> committer.append(events(1)));
    gated.awaitFirstAppend();
    queued(committer, events(3));
    queued(committer, events(1));

    RequestRejectedException full = catchThrowableOfType(RequestRejectedException.class, () -> committer.append(events(1)));

    assertThat(committer.queuedEvents()).isEqualTo(4);
    assertThat(full.status()).isEqualTo(429);
    assertThat(full.getMessage()).contains("4 events are waiting to be stored (limit 4)");
  }

  @Test
  void without_a_publisher_a_commit_stores_its_events_and_with_one_it_publishes_past_them_in_the_same_write_and_ends_its_ticket() {
    List<Event> alone = events(1);
    assertThat(storedIds(committer(sqlite, 10, 10, null).append(alone))).isEqualTo(ids(alone));
    WatermarkPublisher publisher = new WatermarkPublisher(sqlite, sqlite, "hub-a", watermark, clock);
    publisher.publishOnce();

    List<Event> published = events(1);
    committer(sqlite, 10, 10, publisher).append(published);

    java.time.Instant stamp = sqlite.find(published.get(0).id()).orElseThrow().receivedAt();
    assertThat(watermark.inFlight()).as("the commit's ticket ended, so the feed may pass it").isZero();
    assertThat(publisher.lastPublished()).as("the commit's publication, acknowledged").isAfter(stamp);
    assertThat(sqlite.watermarks()).singleElement().satisfies(w -> assertThat(w.heartbeat()).isEqualTo(publisher.lastPublished()));
    publisher.close();
  }

  @Test
  void a_failed_commit_fails_each_of_its_requests_and_holds_the_feed_back_no_longer() {
    SqliteEventStore closed = SqliteEventStore.open(dir.resolve("closed"));
    closed.close();
    GroupCommitter committer = committer(closed, 10, 10, null);

    Throwable failed = catchThrowableOfType(StoreUnavailableException.class, () -> committer.append(events(2)));

    assertThat(failed).hasMessageContaining("closed");
    assertThat(watermark.inFlight()).as("the commit's ticket ended").isZero();
  }

  @Test
  void a_request_the_writer_holds_and_one_still_queued_both_answer_503_once_max_wait_has_passed_and_only_the_held_one_is_stored()
      throws Exception {
    Duration maxWait = Duration.ofMillis(300);
    GroupCommitter committer = committer(gated, 10, 10, null, maxWait);
    List<Event> held = events(1);
    List<Event> late = events(1);
    long start = System.nanoTime();
    Future<List<AppendResult>> taken = committer.appendAsync(held);
    gated.awaitFirstAppend();
    Future<List<AppendResult>> queued = committer.appendAsync(late);

    for (Future<List<AppendResult>> answer : List.of(taken, queued)) {
      RequestRejectedException timedOut = rejection(answer);
      assertThat(timedOut.status()).isEqualTo(503);
      assertThat(timedOut.problemType()).isEqualTo("ingest-timeout");
      assertThat(timedOut.getMessage()).contains("within 300 ms");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("neither before maxWait").isGreaterThanOrEqualTo(maxWait);

    // The held transaction still commits; the queued request is skipped, not written after its 503.
    gated.open();
    Await.until("the writer took the queue", () -> committer.queuedEvents() == 0 && sqlite.find(held.get(0).id()).isPresent());
    committer.close();
    assertThat(sqlite.find(late.get(0).id())).isEmpty();
    assertThat(gated.appendSizes()).containsExactly(1);
  }

  @Test
  void closing_while_the_store_holds_the_writer_still_answers_every_waiting_request_503_at_its_deadline() throws Exception {
    GroupCommitter committer = committer(gated, 10, 10, null, Duration.ofMillis(200));
    Future<List<AppendResult>> taken = committer.appendAsync(events(1));
    gated.awaitFirstAppend();
    Future<List<AppendResult>> queued = committer.appendAsync(events(2));

    committer.close(); // gives up on the writer after twice maxWait: the store still holds it

    assertThat(rejection(taken).problemType()).isEqualTo("ingest-timeout");
    assertThat(rejection(queued).problemType()).isEqualTo("ingest-timeout");
    assertThat(catchThrowableOfType(RequestRejectedException.class, () -> committer.appendAsync(events(1))).problemType())
        .as("and takes no more").isEqualTo("shutting-down");
  }
}
