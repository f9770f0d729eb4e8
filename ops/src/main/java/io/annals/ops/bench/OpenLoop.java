package io.annals.ops.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Single events posted on an open-loop schedule from one thread over {@code connections}
 * keep-alive connections (a non-blocking selector loop, as wrk2 does): event k is due at
 * {@code start + k / rate}; it is sent on the first idle connection once due, and its latency counts
 * from its due time, so a stall of the hub delays every event due during it (no coordinated
 * omission). One thread instead of a blocking thread per connection: those threads, each woken at
 * its event's due time and again by its answer, took a large share of the two cores from the hub
 * at a few thousand events per second. Expects the hub's answers framed by Content-Length.
 */
final class OpenLoop {

  private static final int ANSWER_BUFFER = 16 * 1024;

  /** One connection: idle, or waiting for the answer to the event due at {@code due}. */
  private static final class Connection {
    final SocketChannel channel;
    final ByteBuffer answer = ByteBuffer.allocate(ANSWER_BUFFER);
    ByteBuffer request;
    long due = -1;

    Connection(SocketChannel channel) {
      this.channel = channel;
    }

    boolean busy() {
      return due >= 0;
    }
  }

  private OpenLoop() {}

  /**
   * Posts events at {@code rate} per second for {@code warmup} then {@code measure}; latencies of
   * events due after the warm-up are recorded. Fails on any answer other than 201, 429 or 503.
   */
  static Load.Singles run(URI hub, double rate, int connections, Duration warmup, Duration measure, long seed) {
    long events = (long) Math.ceil(rate * (warmup.toNanos() + measure.toNanos()) / 1e9);
    List<byte[]> requests = requests(hub, events, seed);
    Samples latency = new Samples();
    long created = 0;
    long overloaded = 0;
    long answered = 0;
    try (Selector selector = Selector.open()) {
      // Taken in turn (first in, first out), so that no connection sits idle long enough for the
      // hub's idle timeout to close it.
      ArrayDeque<Connection> idle = new ArrayDeque<>();
      for (int c = 0; c < connections; c++) {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(hub.getHost(), hub.getPort()));
        channel.configureBlocking(false);
        Connection connection = new Connection(channel);
        channel.register(selector, 0, connection);
        idle.add(connection);
      }
      double interval = 1e9 / rate;
      long start = System.nanoTime() + 50_000_000L;
      long from = start + warmup.toNanos();
      ArrayDeque<Long> due = new ArrayDeque<>();
      long next = 0;
      long deadline = from + measure.toNanos() + Duration.ofSeconds(60).toNanos();
      while (answered < events) {
        long now = System.nanoTime();
        if (now > deadline) {
          throw new IllegalStateException("the hub left " + (events - answered) + " single events unanswered"
              + " for a minute after the schedule ended");
        }
        for (; next < events && start + (long) (next * interval) <= now; next++) {
          due.add(next);
        }
        while (!due.isEmpty() && !idle.isEmpty()) {
          long k = due.poll();
          Connection connection = idle.poll();
          connection.due = start + (long) (k * interval);
          connection.request = ByteBuffer.wrap(requests.get((int) k));
          send(connection, selector);
        }
        long wait = next < events ? start + (long) (next * interval) - System.nanoTime() : Long.MAX_VALUE;
        if (wait >= 1_000_000) {
          selector.select(Math.min(wait / 1_000_000, 1000));
        } else {
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          selector.selectNow();
        }
        for (SelectionKey key : selector.selectedKeys()) {
          Connection connection = (Connection) key.attachment();
          if (key.isWritable()) {
            send(connection, selector);
          }
          if (key.isReadable()) {
            int status = receive(connection);
            if (status == 0) {
              continue;
            }
            long done = System.nanoTime();
            boolean measured = connection.due >= from;
            if (measured) {
              latency.record((done - connection.due) / 1000);
            }
            if (status == 201) {
              created += measured ? 1 : 0;
            } else if (status == 429 || status == 503) {
              overloaded += measured ? 1 : 0;
            } else {
              throw new IllegalStateException("the hub answered " + status + " to a single event");
            }
            answered++;
            connection.due = -1;
            key.interestOps(0);
            idle.add(connection);
          }
        }
        selector.selectedKeys().clear();
      }
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("open-loop load failed: " + e.getMessage(), e);
    }
    long all = answered;
    return new Load.Singles(created, overloaded, measure, latency, all);
  }

  private static void send(Connection connection, Selector selector) throws IOException {
    connection.channel.write(connection.request);
    SelectionKey key = connection.channel.keyFor(selector);
    key.interestOps(connection.request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  /** Reads what arrived; the answer's status once it is complete, else 0. */
  private static int receive(Connection connection) throws IOException {
    ByteBuffer buffer = connection.answer;
    if (connection.channel.read(buffer) < 0) {
      throw new IOException("the hub closed a connection");
    }
    String head = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
    int end = head.indexOf("\r\n\r\n");
    if (end < 0) {
      if (!buffer.hasRemaining()) {
        throw new IOException("an answer's head is larger than " + ANSWER_BUFFER + " bytes");
      }
      return 0;
    }
    int length = contentLength(head.substring(0, end));
    if (buffer.position() < end + 4 + length) {
      return 0;
    }
    if (buffer.position() > end + 4 + length) {
      throw new IOException("the hub sent more than one answer to one request");
    }
    buffer.clear();
    return Integer.parseInt(head.substring(9, 12));
  }

  private static int contentLength(String head) throws IOException {
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
      if (lower.startsWith("transfer-encoding:")) {
        throw new IOException("expected answers framed by Content-Length, got " + line);
      }
    }
    return 0;
  }

  /** Every request of the run, drawn before it starts so that the loop only sends and reads. */
  private static List<byte[]> requests(URI hub, long events, long seed) {
    EventGenerator generator = EventGenerator.fresh(seed, 0);
    String prefix = "POST /events HTTP/1.1\r\nHost: " + hub.getHost() + ":" + hub.getPort()
        + "\r\nContent-Type: application/json\r\nContent-Length: ";
    List<byte[]> requests = new ArrayList<>((int) events);
    for (long k = 0; k < events; k++) {
      byte[] body = generator.next().json().getBytes(StandardCharsets.UTF_8);
      byte[] head = (prefix + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] request = new byte[head.length + body.length];
      System.arraycopy(head, 0, request, 0, head.length);
      System.arraycopy(body, 0, request, head.length, body.length);
      requests.add(request);
    }
    return requests;
  }
}
