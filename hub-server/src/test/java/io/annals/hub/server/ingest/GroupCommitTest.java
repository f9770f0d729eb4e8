package io.annals.hub.server.ingest;

import static io.annals.hub.server.TestEvents.json;
import static io.annals.hub.server.TestEvents.newId;
import static io.annals.hub.server.TestEvents.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.Await;
import io.annals.hub.server.GatedEventStore;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit through the real HTTP server on SQLite: concurrent single-event requests share transactions. */
class GroupCommitTest {

  @TempDir Path dir;

  @Test
  void concurrent_single_event_requests_share_one_transaction_while_the_writer_is_busy_and_hold_no_thread_meanwhile()
      throws Exception {
    // Given a hub whose writer is held in its first transaction
    GatedEventStore store = new GatedEventStore(Store.of(SqliteEventStore.open(dir)));
    ExecutorService clients = Executors.newFixedThreadPool(32);
    try (TestHub hub = TestHub.start(store.store(), dir, l -> l)) {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      answers.add(clients.submit(() -> hub.postJson(json(newId()))));
      store.awaitFirstAppend();

      // When 31 more clients send one event each
      for (int i = 0; i < 31; i++) {
        answers.add(clients.submit(() -> hub.postJson(json(newId()))));
      }
      Await.until("31 events queued", () -> hub.metric("annals_hub_ingest_queue_events") == 31.0);
      // Then no thread of the hub waits inside the committer for them (issue 29: no parked request thread)
      assertThat(Thread.getAllStackTraces().values()).noneMatch(GroupCommitTest::waitsInTheCommitter);
      store.open();

      // And all are created, in two transactions: the first event's and everyone else's
      for (Future<HttpResponse<String>> answer : answers) {
        assertThat(answer.get().statusCode()).isEqualTo(201);
      }
      assertThat(store.appendSizes()).containsExactly(1, 31);
      assertThat(hub.metric("annals_hub_ingest_batch_events_count")).isEqualTo(2.0);
      assertThat(hub.metric("annals_hub_ingest_batch_events_sum")).isEqualTo(32.0);
      assertThat(hub.sqliteRowCount()).isEqualTo(32);
    } finally {
      clients.shutdownNow();
    }
  }

  private static boolean refusesConnections(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static boolean waitsInTheCommitter(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().equals(GroupCommitter.class.getName()) && frame.getMethodName().equals("append")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void a_hub_closed_while_requests_wait_for_their_commit_answers_them_once_it_ends() throws Exception {
    // Given a hub whose writer holds one request's transaction and has a second one queued
    GatedEventStore store = new GatedEventStore(Store.of(SqliteEventStore.open(dir)));
    ExecutorService clients = Executors.newFixedThreadPool(3);
    TestHub hub = TestHub.start(store.store(), dir, l -> l);
    Future<?> closing = null;
    try {
      String held = newId();
      String queued = newId();
      Future<HttpResponse<String>> first = clients.submit(() -> hub.postJson(json(held)));
      store.awaitFirstAppend();
      Future<HttpResponse<String>> second = clients.submit(() -> hub.postJson(json(queued)));
      Await.until("1 event queued", () -> hub.metric("annals_hub_ingest_queue_events") == 1.0);

      // When the hub is closed and the transaction then ends
      int port = hub.hub().port();
      closing = clients.submit(hub::close);
      Await.until("the hub refuses new connections", () -> refusesConnections(port));
      store.open();
      closing.get();

      // Then both requests were answered as created, not cut off by the stop
      assertThat(first.get().statusCode()).isEqualTo(201);
      assertThat(second.get().statusCode()).isEqualTo(201);
    } finally {
      store.open();
      if (closing == null) {
        hub.close();
      }
      clients.shutdownNow();
    }
  }

  @Test
  void a_client_that_does_not_read_its_answers_holds_up_no_other_clients_answer() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(2);
    try (TestHub hub = TestHub.sqlite(dir); Socket stalled = new Socket()) {
      // Given a client that pipelines far more answers than its socket buffers hold, and reads none
      stalled.setReceiveBufferSize(1024);
      stalled.connect(new InetSocketAddress("127.0.0.1", hub.hub().port()));
      String big = "x".repeat(100_000);
      Future<?> sending = clients.submit(() -> {
        OutputStream out = stalled.getOutputStream();
        for (int i = 0; i < 200; i++) {
          ObjectNode event = node(newId());
          ((ObjectNode) event.get("payload")).put("note", big);
          byte[] body = event.toString().getBytes(StandardCharsets.UTF_8);
          out.write(("POST /events HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(body);
        }
        return null;
      });
      // (its answers fill the socket buffers, and its requests stop being read: nothing is stored for a while)
      double[] stored = {-1};
      int[] quiet = {0};
      Await.until("the stalled client's connection stops", () -> {
        double now = hub.metric("annals_hub_ingest_batch_events_sum");
        quiet[0] = now == stored[0] ? quiet[0] + 1 : 0;
        stored[0] = now;
        return now >= 5 && quiet[0] >= 25;
      });

      // When another client sends an event
      Future<HttpResponse<String>> other = clients.submit(() -> hub.postJson(json(newId())));

      // Then it is answered (the deadline only turns a hang into a failure)
      assertThat(other.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
      sending.cancel(true);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void a_full_queue_answers_429_with_retry_after_and_stores_nothing_of_that_request() throws Exception {
    GatedEventStore store = new GatedEventStore(Store.of(SqliteEventStore.open(dir)));
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try (TestHub hub = TestHub.start(store.store(), dir, l -> l.withMaxEventsPerRequest(3).withQueueCapacityEvents(3))) {
      Future<HttpResponse<String>> first = clients.submit(() -> hub.postJson(json(newId())));
      store.awaitFirstAppend();
      Future<HttpResponse<String>> queued = clients.submit(() -> hub.postJson("[" + json(newId()) + "," + json(newId()) + "]"));
      Await.until("2 events queued", () -> hub.metric("annals_hub_ingest_queue_events") == 2.0);

      HttpResponse<String> refused = hub.postJson("[" + json(newId()) + "," + json(newId()) + "]");

      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      store.open();
      assertThat(first.get().statusCode()).isEqualTo(201);
      assertThat(queued.get().statusCode()).isEqualTo(200);
      assertThat(hub.sqliteRowCount()).isEqualTo(3);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void a_request_that_waits_too_long_answers_503_and_is_not_written_if_still_queued() throws Exception {
    GatedEventStore store = new GatedEventStore(Store.of(SqliteEventStore.open(dir)));
    ExecutorService clients = Executors.newFixedThreadPool(2);
    try (TestHub hub = TestHub.start(store.store(), dir, l -> l.withMaxWait(Duration.ofMillis(300)))) {
      String held = newId();
      Future<HttpResponse<String>> first = clients.submit(() -> hub.postJson(json(held)));
      store.awaitFirstAppend();
      String late = newId();

      HttpResponse<String> timedOut = hub.postJson(json(late));

      assertThat(timedOut.statusCode()).isEqualTo(503);
      assertThat(timedOut.headers().firstValue("Retry-After")).isPresent();
      assertThat(first.get().statusCode()).isEqualTo(503);
      store.open();
      // The held transaction completes after its client gave up; a retry sees it as a duplicate.
      Await.until("held event stored", () -> hub.get("/events/" + held).statusCode() == 200);
      assertThat(hub.postJson(json(held)).statusCode()).isEqualTo(200);
      assertThat(hub.get("/events/" + late).statusCode()).isEqualTo(404);
      assertThat(hub.postJson(json(late)).statusCode()).isEqualTo(201);
    } finally {
      clients.shutdownNow();
    }
  }
}
