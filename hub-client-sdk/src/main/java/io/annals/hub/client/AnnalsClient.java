package io.annals.hub.client;

import io.annals.hub.client.internal.delivery.Answer;
import io.annals.hub.client.internal.delivery.BackoffPolicy;
import io.annals.hub.client.internal.delivery.DeadLetterFile;
import io.annals.hub.client.internal.delivery.DeliveryMetrics;
import io.annals.hub.client.internal.delivery.HubTransport;
import io.annals.hub.client.internal.delivery.Sender;
import io.annals.hub.client.internal.delivery.Sleeper;
import io.annals.hub.client.internal.spool.Spool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A producer's connection to the hub. {@link #publish} puts an event in a durable local spool and
 * returns at once, whatever the state of the hub; a background thread delivers spooled events in
 * batches, retrying until the hub answers or the event reaches its maximum age. Delivery is
 * at-least-once and unordered; the event id makes it idempotent at the hub.
 *
 * <p>Events whose delivery fails for good (conflict, invalid, forbidden, expired) are appended to
 * {@code dead-letters.jsonl} in the spool directory and the {@link DeliveryListener} is told; so
 * are spool bytes found damaged when the spool is opened ({@link Outcome#DAMAGED}). An event the
 * hub keeps failing on (5xx) alone while it accepts others is held back and retried on its own
 * ({@link #heldBackEvents}), so it does not hold up the events behind it. One
 * client per spool directory (a lock file enforces it). Thread-safe.
 *
 * <pre>{@code
 * AnnalsClient client = AnnalsClient.builder()
 *     .hubUrl("http://hub:8080").service("billing").spoolDirectory(Path.of("/var/spool/annals"))
 *     .build();
 * String id = client.publish(Events.of("payment-completed", "payment/23").payload(Map.of("amount", "3.00/EUR")));
 * }</pre>
 */
public final class AnnalsClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AnnalsClient.class);

  private final String service;
  private final Clock clock;
  private final Duration sendTimeout;
  private final LongSupplier nanoTime;
  private final UuidV7 ids;
  private final Spool spool;
  private final Spool heldBack;
  private final Sleeper sleeper;
  private final HubTransport hub;
  private final BackoffPolicy backoff;
  private final DeliveryMetrics metrics;
  private final DeadLetterFile deadLetters;
  private final Sender sender;

  AnnalsClient(AnnalsClientBuilder config, AnnalsClientBuilder.Spools spools, DeliveryMetrics metrics) {
    this.service = config.service;
    this.clock = config.clock;
    this.sendTimeout = config.sendTimeout;
    this.nanoTime = config.nanoTime;
    this.ids = new UuidV7(clock);
    this.spool = spools.main();
    this.heldBack = spools.heldBack();
    this.sleeper = config.sleeper;
    this.hub = new HubTransport(config.hubUri, config.apiKey, config.requestTimeout, clock);
    this.backoff = config.backoffRandom == null
        ? BackoffPolicy.of(config.backoffBase, config.backoffMax)
        : BackoffPolicy.of(config.backoffBase, config.backoffMax, config.backoffRandom);
    this.metrics = metrics;
    this.deadLetters = spools.deadLetters();
    this.sender = new Sender(spool, heldBack, hub, backoff, deadLetters, config.listener, metrics, clock,
        new Sender.Settings(config.batchEvents, config.batchBytes, config.maxAge), sleeper);
    for (DeadLetter letter : spools.damaged()) {
      metrics.deadLettered(letter.reason());
      try {
        config.listener.deadLettered(letter);
      } catch (RuntimeException e) {
        LOG.warn("delivery listener failed; ignored", e);
      }
    }
    sender.start();
  }

  /**
   * A builder; hub URL, service and spool directory are required.
   *
   * @return a new builder
   */
  public static AnnalsClientBuilder builder() {
    return new AnnalsClientBuilder();
  }

  /**
   * Spools {@code event} and returns its id once it is synced to the local disk, so it survives a
   * crash of this process; never waits for the hub.
   *
   * @param event the event to spool
   * @return the event's id
   * @throws SpoolFullException at once when the spool is at its bounds (the event is not spooled)
   * @throws UncheckedIOException when the spool cannot be written (the event is not spooled)
   */
  public String publish(EventBuilder event) {
    EventBuilder.Envelope envelope = event.toEnvelope(service, ids, clock.instant());
    try {
      spool.append(envelope.json());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write event " + envelope.id() + " to the spool " + spool.directory(), e);
    }
    return envelope.id();
  }

  /**
   * Spools {@code events} and returns their ids, in order, once all are synced to the local disk:
   * one sync for the whole list, where {@link #publish} costs one per event, so a producer that
   * raises events in bursts (an import, a request that raises several) should publish them together.
   * All or nothing: when one cannot be spooled, none is.
   *
   * @param events the events to spool, in order
   * @return their ids, in the order of {@code events}
   * @throws SpoolFullException at once when the events do not all fit in the spool (none is spooled)
   * @throws UncheckedIOException when the spool cannot be written (none is spooled)
   * @throws IllegalArgumentException when {@code events} is empty
   */
  public List<String> publishAll(List<EventBuilder> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("publishAll needs at least one event");
    }
    Instant now = clock.instant();
    List<String> published = new ArrayList<>(events.size());
    List<byte[]> bodies = new ArrayList<>(events.size());
    for (EventBuilder event : events) {
      EventBuilder.Envelope envelope = event.toEnvelope(service, ids, now);
      published.add(envelope.id());
      bodies.add(envelope.json());
    }
    try {
      spool.appendAll(bodies);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + events.size() + " events (" + published.get(0)
          + " ...) to the spool " + spool.directory(), e);
    }
    return List.copyOf(published);
  }

  /**
   * Spools an event of {@code type} about {@code aggregateId}; see {@link #publish(EventBuilder)}.
   *
   * @param type the event type ({@code meta.type})
   * @param aggregateId the aggregate the event is about ({@code meta.aggregate_id})
   * @param payload the payload, serialised to a JSON object
   * @return the event's id
   */
  public String publish(String type, String aggregateId, Object payload) {
    return publish(Events.of(type, aggregateId).payload(payload));
  }

  /**
   * Delivers {@code event} now, bypassing the spool, and returns the hub's verdict, retrying
   * failures that are not about the event (network, 429, 5xx) with the client's backoff for up to
   * the send timeout. A permanent failure is returned, not dead-lettered.
   *
   * @param event the event to deliver
   * @return the hub's verdict on the event
   * @throws HubException (retryable) when the hub did not answer within the send timeout
   */
  public SendResult send(EventBuilder event) {
    EventBuilder.Envelope envelope = event.toEnvelope(service, ids, clock.instant());
    // Elapsed time on the monotonic clock: a step of the wall clock (NTP, a test clock) must
    // neither cut the timeout short nor stretch it.
    long started = nanoTime.getAsLong();
    long timeoutNanos = TimeUnit.NANOSECONDS.convert(sendTimeout); // saturates: a timeout of centuries is "none"
    try {
      for (int attempt = 1; ; attempt++) {
        Answer answer = hub.post(List.of(envelope.json()));
        if (answer instanceof Answer.Results results) {
          Answer.EventResult result = results.results().get(0);
          if (result.outcome().delivered()) {
            metrics.delivered(result.outcome(), Duration.ofNanos(nanoTime.getAsLong() - started));
          }
          return new SendResult(envelope.id(), result.outcome(), result.receivedAt(), result.errors());
        }
        if (answer instanceof Answer.Rejected rejected) {
          return new SendResult(envelope.id(), rejected.outcome(), null,
              rejected.errors().isEmpty() ? List.of(rejected.detail()) : rejected.errors());
        }
        Answer.Retry retry = (Answer.Retry) answer;
        Duration wait = backoff.delay(attempt, retry.retryAfter());
        // Elapsed nanos compared, not instants: nanoTime values may overflow, their differences do not.
        if (TimeUnit.NANOSECONDS.convert(wait) > timeoutNanos - (nanoTime.getAsLong() - started)) {
          throw new HubException("event " + envelope.id() + " not accepted within " + sendTimeout
              + " (" + attempt + " attempts): " + retry.reason(), retry.status(), true, null);
        }
        metrics.retried();
        sleeper.sleep(wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubException("interrupted while sending event " + envelope.id(), 0, true, e);
    }
  }

  /**
   * Sends an event of {@code type} about {@code aggregateId} now; see {@link #send(EventBuilder)}.
   *
   * @param type the event type ({@code meta.type})
   * @param aggregateId the aggregate the event is about ({@code meta.aggregate_id})
   * @param payload the payload, serialised to a JSON object
   * @return the hub's verdict on the event
   */
  public SendResult send(String type, String aggregateId, Object payload) {
    return send(Events.of(type, aggregateId).payload(payload));
  }

  /**
   * Waits until every spooled event's delivery has ended (delivered or dead-lettered); true when
   * the spool is empty, false when {@code timeout} passed first.
   *
   * @param timeout how long to wait at most
   * @return true when the spool is empty, false when the timeout passed first
   */
  public boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      return spool.awaitDrained(timeout)
          && heldBack.awaitDrained(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Events spooled and not yet delivered or dead-lettered, held-back ones included.
   *
   * @return the number of such events
   */
  public long pendingEvents() {
    return spool.pendingEvents() + heldBack.pendingEvents();
  }

  /**
   * Events held back: the hub failed (5xx) on each alone while it accepted others, so each is
   * retried on its own, with backoff, until its maximum age, and the events behind it went on.
   *
   * @return the number of such events
   */
  public long heldBackEvents() {
    return heldBack.pendingEvents();
  }

  /**
   * The file where events whose delivery failed for good are appended, one JSON object per line.
   *
   * @return the path of the dead-letter file
   */
  public Path deadLetterFile() {
    return deadLetters.path();
  }

  /**
   * Stops the sender and closes the spool. Undelivered events stay in the spool; a client opened
   * later on the same directory delivers them. Call {@link #flush} first to wait for delivery.
   */
  @Override
  public void close() {
    try {
      sender.stop(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Spool closing = heldBack) {
      spool.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the spool " + spool.directory(), e);
    }
  }
}
