package io.annals.ops.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The three ways the scenarios load the hub over HTTP: batches back to back, closed-loop single
 * events from many clients, and single events on an open-loop schedule. Every answer is checked:
 * a refused or failed event makes the figure wrong, so it fails the scenario (singles count 429
 * and 503 instead, as the overload they are).
 */
final class Load {

  private static final String JSON = "application/json";

  private Load() {}

  /** A JSON array of the events' envelopes. */
  static byte[] batchBody(List<BenchEvent> events) {
    StringBuilder body = new StringBuilder(events.size() * 360).append('[');
    for (int i = 0; i < events.size(); i++) {
      body.append(i == 0 ? "" : ",").append(events.get(i).json());
    }
    return body.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Posts every body from {@code connections} clients, each taking the next; returns the time taken. */
  static Duration postBatches(URI hub, List<byte[]> bodies, int connections) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      Thread thread = new Thread(() -> {
        try (HttpConnection http = new HttpConnection(hub, null)) {
          for (int i = next.getAndIncrement(); i < bodies.size() && failure.get() == null; i = next.getAndIncrement()) {
            HttpConnection.Answer answer = http.post("/events", JSON, bodies.get(i));
            String text = answer.status() == 200 ? null : answer.text();
            if (text != null || containsRefusal(answer.body())) {
              throw new IllegalStateException("the hub refused a batch: " + answer.status() + " "
                  + abbreviated(answer.text()));
            }
          }
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      }, "bench-batch-" + c);
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("posting batches failed: " + failure.get().getMessage(), failure.get());
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * What many clients achieved: events created in the measured window, and latencies; {@code all}
   * counts the warm-up's events too.
   */
  record Singles(long created, long overloaded, Duration window, Samples latency, long all) {
    double perSecond() {
      return created / Math.max(1e-9, window.toNanos() / 1e9);
    }
  }

  /**
   * {@code clients} threads, each with its own connection, post one event, wait for the answer,
   * post the next; only answers that arrive after {@code warmup} count, until {@code warmup + measure}.
   */
  static Singles closedLoop(URI hub, int clients, Duration warmup, Duration measure, long seed)
      throws InterruptedException {
    long start = System.nanoTime();
    long from = start + warmup.toNanos();
    long until = from + measure.toNanos();
    AtomicLong created = new AtomicLong();
    AtomicLong overloaded = new AtomicLong();
    AtomicLong all = new AtomicLong();
    Samples latency = new Samples();
    run(clients, "bench-single-", (c, failure) -> {
      EventGenerator events = EventGenerator.fresh(seed, c);
      try (HttpConnection http = new HttpConnection(hub, null)) {
        for (long now = System.nanoTime(); now < until && failure.get() == null; ) {
          byte[] body = events.next().json().getBytes(StandardCharsets.UTF_8);
          long sent = System.nanoTime();
          HttpConnection.Answer answer = http.post("/events", JSON, body);
          now = System.nanoTime();
          count(answer, now >= from && now < until, created, overloaded);
          all.incrementAndGet();
          if (now >= from && now < until) {
            latency.record((now - sent) / 1000);
          }
        }
      }
    });
    return new Singles(created.get(), overloaded.get(), measure, latency, all.get());
  }

  private static void count(HttpConnection.Answer answer, boolean measured, AtomicLong created, AtomicLong overloaded) {
    if (answer.status() == 429 || answer.status() == 503) {
      if (measured) {
        overloaded.incrementAndGet();
      }
    } else if (answer.status() != 201) {
      throw new IllegalStateException("the hub answered " + answer.status() + ": " + abbreviated(answer.text()));
    } else if (measured) {
      created.incrementAndGet();
    }
  }

  private interface Client {
    void run(int index, AtomicReference<Exception> failure) throws Exception;
  }

  private static void run(int threads, String name, Client client) throws InterruptedException {
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    for (int c = 0; c < threads; c++) {
      int index = c;
      Thread thread = new Thread(() -> {
        try {
          client.run(index, failure);
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      }, name + c);
      thread.start();
      started.add(thread);
    }
    for (Thread t : started) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get().getMessage(), failure.get());
    }
  }

  /** True when a batch answer holds an outcome other than created or duplicate. */
  static boolean containsRefusal(byte[] body) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    return text.contains("\"invalid\"") || text.contains("\"conflict\"") || text.contains("\"forbidden\"");
  }

  static String abbreviated(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }
}
