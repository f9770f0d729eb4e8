package io.annals.hub.client.internal.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.client.DeadLetter;
import io.annals.hub.client.DeliveryListener;
import io.annals.hub.client.Outcome;
import io.annals.hub.client.internal.spool.Spool;
import io.annals.hub.client.internal.spool.SpooledEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread that empties the spool into the hub, oldest events first, in batches.
 *
 * <p>Each event's delivery ends in an {@link Outcome}: {@code created}/{@code duplicate} when the
 * hub holds it; {@code conflict}/{@code invalid}/{@code forbidden} from the hub, or {@code expired}
 * once it is older than the maximum age, send it to the dead-letter file. Only then is it
 * acknowledged in the spool. A failure that is not about the events (network, 429, 5xx) is retried
 * with {@link BackoffPolicy} for as long as the events are younger than the maximum age. A request
 * the hub refuses whole as unreadable or too large (400/413) is split in halves until the bad event
 * stands alone, so one bad event does not hold back the others.
 */
public final class Sender {

  private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
  private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

  /** How the sender batches and how long it keeps trying. */
  public record Settings(int batchEvents, long batchBytes, Duration maxAge) {}

  private final Spool spool;
  private final HubTransport hub;
  private final BackoffPolicy backoff;
  private final DeadLetterFile deadLetters;
  private final DeliveryListener listener;
  private final DeliveryMetrics metrics;
  private final Clock clock;
  private final Settings settings;
  private final Thread thread;
  private volatile boolean stopping;

  public Sender(Spool spool, HubTransport hub, BackoffPolicy backoff, DeadLetterFile deadLetters,
      DeliveryListener listener, DeliveryMetrics metrics, Clock clock, Settings settings) {
    this.spool = spool;
    this.hub = hub;
    this.backoff = backoff;
    this.deadLetters = deadLetters;
    this.listener = listener;
    this.metrics = metrics;
    this.clock = clock;
    this.settings = settings;
    this.thread = new Thread(this::run, "annals-sender-" + spool.directory().getFileName());
    // Daemon: whatever is undelivered at exit stays in the spool for the next start.
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * Stops the thread and waits for it. An interrupted request is abandoned: its events stay in the
   * spool and are sent again next time (the hub answers duplicate for those it got).
   */
  public void stop(Duration timeout) throws InterruptedException {
    stopping = true;
    thread.interrupt();
    thread.join(Math.max(1, timeout.toMillis()));
  }

  private void run() {
    int failures = 0;
    while (!stopping) {
      try {
        List<SpooledEvent> batch = spool.peek(settings.batchEvents(), settings.batchBytes());
        if (batch.isEmpty()) {
          spool.awaitPending(IDLE_WAIT);
          continue;
        }
        int expired = expiredPrefix(batch);
        if (expired > 0) {
          List<SpooledEvent> old = batch.subList(0, expired);
          commit(old, expiredResults(old));
          continue;
        }
        deliver(batch);
        failures = 0;
      } catch (RetryLater e) {
        failures++;
        metrics.retried();
        Duration wait = backoff.delay(failures, e.answer.retryAfter());
        LOG.info("delivery attempt {} failed ({}); next attempt in {} ms", failures, e.answer.reason(), wait.toMillis());
        if (!pause(wait)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        // The spool or the dead-letter file failed (disk full, corruption): keep the events, try later.
        failures++;
        LOG.error("delivery from spool {} failed; trying again", spool.directory(), e);
        if (!pause(backoff.delay(failures, null))) {
          return;
        }
      }
    }
  }

  private boolean pause(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
      return !stopping;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Events spooled before this are past the maximum age; spool times never decrease, so they lead. */
  private int expiredPrefix(List<SpooledEvent> batch) {
    long cutoff = clock.millis() - settings.maxAge().toMillis();
    int expired = 0;
    while (expired < batch.size() && batch.get(expired).spooledAtMillis() < cutoff) {
      expired++;
    }
    return expired;
  }

  private List<Answer.EventResult> expiredResults(List<SpooledEvent> events) {
    List<Answer.EventResult> results = new ArrayList<>();
    for (SpooledEvent event : events) {
      results.add(new Answer.EventResult(null, Outcome.EXPIRED, null,
          "not delivered within the maximum age of " + settings.maxAge() + " (spooled at "
              + Instant.ofEpochMilli(event.spooledAtMillis()) + ")", List.of()));
    }
    return results;
  }

  private void deliver(List<SpooledEvent> events) throws RetryLater, IOException, InterruptedException {
    List<byte[]> bodies = new ArrayList<>(events.size());
    events.forEach(e -> bodies.add(e.body()));
    Answer answer = hub.post(bodies);
    if (answer instanceof Answer.Results results) {
      commit(events, results.results());
    } else if (answer instanceof Answer.Rejected rejected && rejected.splittable() && events.size() > 1) {
      LOG.warn("{}; sending the {} events in smaller batches", rejected.detail(), events.size());
      int half = events.size() / 2;
      deliver(events.subList(0, half)); // a prefix of the spool: it is acknowledged before the rest
      deliver(events.subList(half, events.size()));
    } else if (answer instanceof Answer.Rejected rejected) {
      List<Answer.EventResult> results = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        results.add(new Answer.EventResult(null, rejected.outcome(), null, rejected.detail(), rejected.errors()));
      }
      commit(events, results);
    } else {
      throw new RetryLater((Answer.Retry) answer);
    }
  }

  /**
   * Ends the delivery of {@code events}: dead letters synced first, then the news told, then the
   * spool acknowledged, so that {@code flush} returning means the listener has heard. A crash in
   * between tells the news again on restart (at-least-once, like delivery).
   */
  private void commit(List<SpooledEvent> events, List<Answer.EventResult> results) throws IOException {
    Instant now = clock.instant();
    List<DeadLetter> letters = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Answer.EventResult result = results.get(i);
      if (!result.outcome().delivered()) {
        JsonNode event = Json.READER.readTree(events.get(i).body());
        letters.add(new DeadLetter(event.path("id").asText(), result.outcome(), result.detail(),
            result.errors(), event, now));
      }
    }
    deadLetters.append(letters);
    for (DeadLetter letter : letters) {
      LOG.warn("event {} dead-lettered ({}): {}", letter.eventId(), letter.reason().wireName(), letter.detail());
      metrics.deadLettered(letter.reason());
      tell(() -> listener.deadLettered(letter));
    }
    for (int i = 0; i < events.size(); i++) {
      Answer.EventResult result = results.get(i);
      if (result.outcome().delivered()) {
        metrics.delivered(result.outcome(), Duration.ofMillis(now.toEpochMilli() - events.get(i).spooledAtMillis()));
        tell(() -> listener.delivered(result.id(), result.outcome()));
      }
    }
    spool.ack(events);
  }

  private static void tell(Runnable notification) {
    try {
      notification.run();
    } catch (RuntimeException e) {
      LOG.warn("delivery listener failed; ignored", e);
    }
  }

  /** A whole batch must be tried again later. */
  private static final class RetryLater extends Exception {
    final Answer.Retry answer;

    RetryLater(Answer.Retry answer) {
      super(answer.reason(), null, false, false);
      this.answer = answer;
    }
  }
}
