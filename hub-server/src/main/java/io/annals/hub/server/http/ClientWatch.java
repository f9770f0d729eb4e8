package io.annals.hub.server.http;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * The connection of a suspended (asynchronous) request, watched while the hub holds its answer:
 * Jetty reads nothing from a connection whose request is being handled, so a client that closes
 * it while its long poll waits would go unnoticed until the wait ends. Here the hub asks to be told
 * when the connection becomes readable: a client that has sent its request and waits for the
 * answer sends nothing more, so readable means it closed (or pipelined another request, which an
 * answer now serves as well). Nothing is read: what arrived stays for Jetty.
 *
 * <p>Also lifts the connection's idle timeout for the wait (Jetty would otherwise fail a wait
 * longer than its 30 s idle timeout) and puts it back afterwards.
 */
final class ClientWatch {

  private static final CancellationException ANSWERED = new CancellationException("answered");

  private final EndPoint endPoint;
  private final long idleTimeout;
  private final AtomicBoolean watching = new AtomicBoolean();

  private ClientWatch(EndPoint endPoint) {
    this.endPoint = endPoint;
    this.idleTimeout = endPoint == null ? 0 : endPoint.getIdleTimeout();
  }

  /** Watches the connection of {@code ctx}, its idle timeout at least {@code wait} plus a margin. */
  static ClientWatch of(Context ctx, Duration wait) {
    EndPoint endPoint = null;
    try {
      Request base = Request.getBaseRequest(ctx.req());
      endPoint = base == null ? null : base.getHttpChannel().getEndPoint();
    } catch (RuntimeException e) {
      // Not Jetty's request (never the case in the hub): no watch; the wait's deadline still ends it.
    }
    ClientWatch watch = new ClientWatch(endPoint);
    if (endPoint != null && wait != null) {
      long needed = wait.plusSeconds(10).toMillis();
      if (watch.idleTimeout > 0 && watch.idleTimeout < needed) {
        endPoint.setIdleTimeout(needed);
      }
    }
    return watch;
  }

  /** Calls {@code gone} once when the client closes the connection; false when it cannot be watched. */
  boolean onGone(Runnable gone) {
    if (endPoint == null) {
      return false;
    }
    watching.set(true);
    boolean registered = endPoint.tryFillInterested(Callback.from(() -> {
      if (watching.compareAndSet(true, false)) {
        gone.run();
      }
    }, failure -> {
      if (failure != ANSWERED && watching.compareAndSet(true, false)) {
        gone.run();
      }
    }));
    if (!registered) {
      watching.set(false);
    }
    return registered;
  }

  /** Stops watching before the answer is written, so that Jetty can read the connection's next request. */
  void stop() {
    if (endPoint == null) {
      return;
    }
    if (watching.compareAndSet(true, false) && endPoint instanceof AbstractEndPoint a) {
      a.getFillInterest().onFail(ANSWERED);
    }
    if (idleTimeout > 0) {
      endPoint.setIdleTimeout(idleTimeout);
    }
  }
}
