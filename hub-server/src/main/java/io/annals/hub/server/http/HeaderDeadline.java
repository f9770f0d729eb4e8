package io.annals.hub.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannelOverHttp;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * HTTP/1.1 connections with a deadline for a request's line and headers, counted from the first
 * byte of the request: a client that has not sent them all by then is answered {@code 408 Request
 * Timeout} (problem details, {@code Connection: close}) and disconnected; one that sent no byte of
 * a request line (blank lines at most) is just disconnected. Jetty's idle timeout alone cannot do
 * this, since a client sending one header line every few seconds is never idle for long (a
 * slow-header attack holds a connection forever). Bodies are not covered: reading them is the
 * routes' business, bounded by the body limit and the idle timeout.
 */
final class HeaderDeadline extends HttpConnectionFactory {

  private final long timeoutMillis;

  HeaderDeadline(HttpConfiguration config, Duration timeout) {
    super(config);
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    DeadlineConnection connection = new DeadlineConnection(getHttpConfiguration(), connector, endPoint,
        isRecordHttpComplianceViolations(), timeoutMillis);
    connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
    connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
    return configure(connection, connector, endPoint);
  }

  /**
   * The deadline is checked lazily, as Jetty checks its idle timeout: a request's start is one
   * volatile write, and one timer per connection, armed when a request starts and none is armed,
   * looks at the request in progress when it fires and arms itself again for that request's
   * deadline. Scheduling and cancelling a timer for every request woke Jetty's scheduler thread
   * about once in three requests, 0.36 context switches and 3.5 µs of hub CPU per single-event
   * request (issue 29; docs/decisions.md).
   */
  private static final class DeadlineConnection extends HttpConnection {

    /** {@link #requestStart} when no request's line and headers are being read. */
    private static final long NO_REQUEST = Long.MIN_VALUE;
    /** {@link #fillers} while the timer decides, with no thread parsing, whether the deadline holds. */
    private static final int DECIDING = -1;
    /** {@link #fillers} once the 408 is sent: what the client still sends is read and dropped. */
    private static final int EXPIRED = -2;
    /** How soon the timer looks again when it fires while a thread parses: parsing what came takes microseconds. */
    private static final long BUSY_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How long a connection answered 408 stays half open for the client to read the answer and close. */
    private static final long LINGER_MILLIS = 2_000;

    private final long timeoutNanos;
    private final Scheduler scheduler;
    private final AtomicReference<Scheduler.Task> timer = new AtomicReference<>();
    /** {@code System.nanoTime()} at the first byte of the request being read, or {@link #NO_REQUEST}. */
    private volatile long requestStart = NO_REQUEST;
    /**
     * Threads in {@link #onFillable} (Jetty runs one at a time, but may start the next before the
     * last has returned), or {@link #DECIDING} or {@link #EXPIRED}. The timer writes the 408 only
     * after taking this from 0, so its write never meets a parse or an answer of Jetty's.
     */
    private final AtomicInteger fillers = new AtomicInteger();

    DeadlineConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, boolean recordViolations,
        long timeoutMillis) {
      super(config, connector, endPoint, recordViolations);
      this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      this.scheduler = connector.getScheduler();
    }

    @Override
    protected HttpChannelOverHttp newHttpChannel() {
      // Called from HttpConnection's constructor: only methods of this object may be used here, no fields.
      return new HttpChannelOverHttp(this, getConnector(), getHttpConfiguration(), getEndPoint(), this) {
        @Override
        public boolean headerComplete() {
          headersRead();
          return super.headerComplete();
        }
      };
    }

    @Override
    public void onFillable() {
      if (!enterFill()) {
        drain();
        return;
      }
      try {
        // Bytes have come while no request's headers are being timed: a new request starts, and its
        // clock with it. In a header state, not only at the start: a pipelined request whose first
        // bytes came in the previous request's read was parsed up to there when that one completed,
        // with no read of its own to start it (its clock then starts at its next bytes).
        if (requestStart == NO_REQUEST && getParser().inHeaderState()) {
          requestStart = System.nanoTime();
          // Written before the timer is read; check() clears the timer before it reads the start, so
          // one of the two always sees the other's write and a started request is never left unwatched.
          if (timer.get() == null) {
            arm(timeoutNanos);
          }
        }
        super.onFillable();
      } finally {
        fillers.decrementAndGet();
      }
    }

    /** Counts this thread in; false once the 408 is sent. Waits out the timer's decision (a few reads). */
    private boolean enterFill() {
      while (true) {
        int n = fillers.get();
        if (n == EXPIRED) {
          return false;
        }
        if (n == DECIDING) {
          Thread.onSpinWait();
        } else if (fillers.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    private void headersRead() {
      requestStart = NO_REQUEST;
    }

    @Override
    public void onClose(Throwable cause) {
      requestStart = NO_REQUEST;
      Scheduler.Task task = timer.getAndSet(null);
      if (task != null) {
        task.cancel();
      }
      super.onClose(cause);
    }

    private void arm(long delayNanos) {
      Scheduler.Task task = scheduler.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
      if (!timer.compareAndSet(null, task)) {
        task.cancel(); // armed by another thread meanwhile
      }
    }

    /** The timer fired: ends a connection whose request is past its deadline, else watches the next one. */
    private void check() {
      timer.set(null);
      long start = requestStart;
      if (start == NO_REQUEST || !getEndPoint().isOpen()) {
        return; // idle: the next request arms the timer again
      }
      long left = start + timeoutNanos - System.nanoTime();
      if (left > 0) {
        arm(left);
        return;
      }
      if (!fillers.compareAndSet(0, DECIDING)) {
        arm(BUSY_RETRY_NANOS); // a thread parses what just came: it may complete the headers
        return;
      }
      // No thread parses now. The same start means the same request, still short of its headers;
      // otherwise its headers came meanwhile, and the onFillable that started a next one armed the timer.
      boolean expired = requestStart == start;
      fillers.set(expired ? EXPIRED : 0);
      if (expired) {
        expire();
      }
    }

    /**
     * Answers 408 when part of a request came, then shuts output and closes once the client has
     * closed or {@link #LINGER_MILLIS} passed; closes at once when nothing of a request came.
     * Closing at once with unread client bytes would send a reset, which may destroy the 408
     * before the client reads it.
     */
    private void expire() {
      if (getParser().isStart()) {
        getEndPoint().close(); // blank lines at most: nobody to answer
        return;
      }
      try {
        getEndPoint().write(Callback.from(this::linger, failure -> getEndPoint().close()), requestTimeout());
      } catch (RuntimeException e) {
        getEndPoint().close(); // the write could not start: nothing more to say
      }
    }

    private void linger() {
      getEndPoint().shutdownOutput();
      scheduler.schedule(getEndPoint()::close, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Reads and drops what the client still sends after the 408, until it closes. */
    private void drain() {
      ByteBuffer sink = BufferUtil.allocate(4096);
      try {
        while (true) {
          BufferUtil.clear(sink);
          int n = getEndPoint().fill(sink);
          if (n < 0) {
            getEndPoint().close();
            return;
          }
          if (n == 0) {
            fillInterested();
            return;
          }
        }
      } catch (IOException | RuntimeException e) {
        getEndPoint().close();
      }
    }

    /** The whole 408 answer, its body from the server's error handler (problem details on the hub). */
    private ByteBuffer requestTimeout() {
      HttpFields.Mutable fields = HttpFields.build();
      ErrorHandler errors = getServer().getErrorHandler();
      ByteBuffer body = errors == null ? null : errors.badMessageError(HttpStatus.REQUEST_TIMEOUT_408,
          "its line and headers did not all arrive within " + readable(timeoutNanos)
              + " of its first byte (HUB_HEADER_TIMEOUT)", fields);
      int length = BufferUtil.length(body);
      StringBuilder head = new StringBuilder("HTTP/1.1 408 Request Timeout\r\n");
      for (HttpField field : fields) {
        head.append(field.getName()).append(": ").append(field.getValue()).append("\r\n");
      }
      head.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n");
      byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
      ByteBuffer answer = ByteBuffer.allocate(headBytes.length + length).put(headBytes);
      if (length > 0) {
        answer.put(body.slice());
      }
      return answer.flip();
    }

    /** "20 s", or "1500 ms" when not whole seconds: as the setting is usually written. */
    private static String readable(long nanos) {
      long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
      return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
  }
}
