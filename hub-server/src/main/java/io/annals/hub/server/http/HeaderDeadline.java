package io.annals.hub.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannelOverHttp;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * HTTP/1.1 connections with a deadline for a request's line and headers, counted from the first
 * byte of the request: a client that has not sent them all by then is disconnected. Jetty's idle
 * timeout alone cannot do this, since a client sending one header line every few seconds is never
 * idle for long (a slow-header attack holds a connection forever). Bodies are not covered: reading
 * them is the routes' business, bounded by the body limit and the idle timeout.
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

    private final long timeoutNanos;
    private final Scheduler scheduler;
    private final AtomicReference<Scheduler.Task> timer = new AtomicReference<>();
    /** {@code System.nanoTime()} at the first byte of the request being read, or {@link #NO_REQUEST}. */
    private volatile long requestStart = NO_REQUEST;

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
      // Bytes have come while no request is in progress: a new request starts, and its clock with it.
      if (requestStart == NO_REQUEST && getParser().isStart()) {
        requestStart = System.nanoTime();
        // Written before the timer is read; check() clears the timer before it reads the start, so
        // one of the two always sees the other's write and a started request is never left unwatched.
        if (timer.get() == null) {
          arm(timeoutNanos);
        }
      }
      super.onFillable();
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

    /** The timer fired: closes a connection whose request is past its deadline, else watches the next one. */
    private void check() {
      timer.set(null);
      long start = requestStart;
      if (start == NO_REQUEST || !getEndPoint().isOpen()) {
        return; // idle: the next request arms the timer again
      }
      long left = start + timeoutNanos - System.nanoTime();
      if (left <= 0) {
        getEndPoint().close();
      } else {
        arm(left);
      }
    }
  }
}
