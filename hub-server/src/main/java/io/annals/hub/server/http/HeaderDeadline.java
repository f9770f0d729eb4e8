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

  private static final class DeadlineConnection extends HttpConnection {

    private final long timeoutMillis;
    private final Scheduler scheduler;
    private final AtomicReference<Scheduler.Task> deadline = new AtomicReference<>();

    DeadlineConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, boolean recordViolations,
        long timeoutMillis) {
      super(config, connector, endPoint, recordViolations);
      this.timeoutMillis = timeoutMillis;
      this.scheduler = connector.getScheduler();
    }

    @Override
    protected HttpChannelOverHttp newHttpChannel() {
      // Called from HttpConnection's constructor: only methods of this object may be used here, no fields.
      return new HttpChannelOverHttp(this, getConnector(), getHttpConfiguration(), getEndPoint(), this) {
        @Override
        public boolean headerComplete() {
          cancelDeadline();
          return super.headerComplete();
        }
      };
    }

    @Override
    public void onFillable() {
      // Bytes have come while no request is in progress: a new request starts, and its clock with it.
      if (deadline.get() == null && getParser().isStart()) {
        Scheduler.Task task = scheduler.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
        if (!deadline.compareAndSet(null, task)) {
          task.cancel();
        }
      }
      super.onFillable();
    }

    @Override
    public void onClose(Throwable cause) {
      cancelDeadline();
      super.onClose(cause);
    }

    private void cancelDeadline() {
      Scheduler.Task task = deadline.getAndSet(null);
      if (task != null) {
        task.cancel();
      }
    }

    private void expire() {
      if (deadline.getAndSet(null) != null) {
        getEndPoint().close();
      }
    }
  }
}
