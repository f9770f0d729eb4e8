package io.annals.hub.server.store.mongo;

import com.mongodb.MongoCommandException;
import io.annals.hub.server.store.EpochMicros;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MongoDB's clock as seen from here: the local clock plus an offset estimated from the primary's
 * {@code hello.localTime}, so that every hub instance stamps {@code received_at} from (nearly) one
 * clock. Reading it is cheap (no round trip); the offset is measured at start and refreshed in the
 * background. It steps back when the local clock does (until the next measurement corrects the
 * offset) or a new estimate is lower: the hub's ReceivedAtClock keeps {@code received_at} monotonic
 * and moving, and must see such a step for that.
 *
 * <p>A server whose {@code hello} has no {@code localTime} (or no {@code hello} at all, as test
 * doubles) leaves the offset at zero: the local clock, said once in the log.
 */
final class ServerClock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServerClock.class);
  private static final int COMMAND_NOT_FOUND = 59;

  private final Clock local;
  private final Supplier<Document> hello;
  private final ScheduledExecutorService refresher;
  private volatile long offsetMicros;
  private volatile boolean followsServer;
  private volatile boolean refreshFailing;
  private volatile boolean warnedLocal;

  /** Measures once now (failures propagate), then again every {@code refreshEvery} in a daemon thread. */
  ServerClock(Clock local, Supplier<Document> hello, Duration refreshEvery) {
    this.local = local;
    this.hello = hello;
    measure();
    this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "annals-mongo-clock");
      thread.setDaemon(true);
      return thread;
    });
    long every = refreshEvery.toMillis();
    refresher.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  Instant now() {
    long candidate = EpochMicros.of(local.instant()) + offsetMicros;
    return EpochMicros.toInstant(candidate);
  }

  /** True when the offset comes from the server's answer, false when this is the local clock. */
  boolean followsServer() {
    return followsServer;
  }

  /**
   * The offset (server minus local, in µs) when the server read its clock at {@code serverTime},
   * between {@code sent} and {@code answered} on the local clock: it is assumed to have read it
   * half-way, i.e. the answer took half the round trip to come back.
   */
  static long offsetMicros(Instant sent, Instant answered, Instant serverTime) {
    long sentMicros = EpochMicros.of(sent);
    long midpoint = sentMicros + (EpochMicros.of(answered) - sentMicros) / 2;
    return EpochMicros.of(serverTime) - midpoint;
  }

  /** The server's time in a {@code hello} answer, if it gave one. */
  static Optional<Instant> serverTime(Document helloAnswer) {
    return helloAnswer.get("localTime") instanceof Date date ? Optional.of(date.toInstant()) : Optional.empty();
  }

  private void measure() {
    Instant sent = local.instant();
    Document answer;
    try {
      answer = hello.get();
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != COMMAND_NOT_FOUND) {
        throw e;
      }
      answer = new Document();
    }
    Instant answered = local.instant();
    Optional<Instant> serverTime = serverTime(answer);
    if (serverTime.isPresent()) {
      offsetMicros = offsetMicros(sent, answered, serverTime.get());
      followsServer = true;
    } else {
      if (followsServer || !warnedLocal) {
        LOG.warn("MongoDB's hello gives no localTime: received_at comes from this host's clock");
        warnedLocal = true;
      }
      offsetMicros = 0;
      followsServer = false;
    }
  }

  private void refreshQuietly() {
    try {
      measure();
      if (refreshFailing) {
        LOG.info("MongoDB clock refresh works again");
        refreshFailing = false;
      }
    } catch (RuntimeException e) {
      // Keep the last offset: clocks drift by milliseconds per hour, an outage lasts seconds.
      if (!refreshFailing) {
        LOG.warn("MongoDB clock refresh failed, keeping the last offset: {}", e.toString());
        refreshFailing = true;
      }
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
