package io.annals.hub.client.internal.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.client.DeadLetter;
import io.annals.hub.client.DeliveryListener;
import io.annals.hub.client.Outcome;
import io.annals.hub.client.SpoolFullException;
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
 *
 * <p>Poison events: when the hub fails (5xx) {@value #SPLIT_AFTER} times in a row on the same
 * batch, the batch is sent in halves, then halves of the failing half, until the event the hub
 * fails on stands alone. Once the hub has accepted other events meanwhile (proof that it is that
 * event, not an outage), the event moves to the held-back spool (appended there, then acknowledged
 * here) and the events behind it go on. Held-back events are retried one at a time with their own
 * backoff until delivered, dead-lettered by the hub, or past the maximum age (counted from their
 * first publish); the held-back spool is as durable as the main one.
 */
public final class Sender {

  private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
  private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
  /** Consecutive 5xx answers for one batch after which it is split to find an event the hub fails on. */
  static final int SPLIT_AFTER = 3;

  /** How the sender batches and how long it keeps trying. */
  public record Settings(int batchEvents, long batchBytes, Duration maxAge) {}

  private final Spool spool;
  private final Spool heldBack;
  private final HubTransport hub;
  private final BackoffPolicy backoff;
  private final DeadLetterFile deadLetters;
  private final DeliveryListener listener;
  private final DeliveryMetrics metrics;
  private final Clock clock;
  private final Settings settings;
  private final Sleeper sleeper;
  private final Thread thread;
  private volatile boolean stopping;
  // Sender thread only. While heldBackFailures > 0, the held-back event's next attempt is due at
  // heldBackRetryAtNanos, a System.nanoTime(): the wait is elapsed time, like the sleeper's. The
  // injected clock dates and ages events; it may stand still or step back (a test clock, NTP), and
  // a wait timed by it could then never end and leave the event stuck.
  private int heldBackFailures;
  private long heldBackRetryAtNanos;

  /**
   * A sender from {@code spool} to {@code hub}; {@code heldBack} keeps the events the hub fails on
   * alone while it accepts others.
   */
  public Sender(Spool spool, Spool heldBack, HubTransport hub, BackoffPolicy backoff, DeadLetterFile deadLetters,
      DeliveryListener listener, DeliveryMetrics metrics, Clock clock, Settings settings, Sleeper sleeper) {
    this.spool = spool;
    this.heldBack = heldBack;
    this.sleeper = sleeper;
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
    int serverErrors = 0; // consecutive 5xx answers for the batch starting at failingHead
    long failingHead = -1;
    while (!stopping) {
      List<SpooledEvent> batch = List.of();
      try {
        retryHeldBack();
        batch = spool.peek(settings.batchEvents(), settings.batchBytes());
        if (batch.isEmpty()) {
          spool.awaitPending(idleWait());
          continue;
        }
        int expired = expiredPrefix(batch);
        if (expired > 0) {
          List<SpooledEvent> old = batch.subList(0, expired);
          commit(spool, old, expiredResults(old));
          continue;
        }
        if (serverErrors >= SPLIT_AFTER && batch.get(0).seq() == failingHead) {
          isolate(batch);
        } else {
          deliver(batch);
        }
        failures = 0;
        serverErrors = 0;
      } catch (RetryLater e) {
        failures++;
        long head = batch.isEmpty() ? -1 : batch.get(0).seq();
        serverErrors = e.answer.status() < 500 ? 0 : head == failingHead ? serverErrors + 1 : 1;
        failingHead = head;
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
      sleeper.sleep(wait);
      return !stopping;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Nanoseconds until the held-back event's next attempt is due; zero or less when it is due. */
  private long heldBackDueInNanos() {
    return heldBackFailures == 0 ? 0 : heldBackRetryAtNanos - System.nanoTime();
  }

  /** How long the idle sender waits for new events: at most until the held-back event's next attempt is due. */
  private Duration idleWait() {
    if (heldBack.pendingEvents() == 0) {
      return IDLE_WAIT;
    }
    return Duration.ofNanos(Math.max(0, Math.min(IDLE_WAIT.toNanos(), heldBackDueInNanos())));
  }

  /** Tries the oldest held-back event once its backoff has passed; its failures are its own, not the batch's. */
  private void retryHeldBack() throws IOException, InterruptedException {
    if (heldBack.pendingEvents() == 0 || heldBackDueInNanos() > 0) {
      return;
    }
    List<SpooledEvent> event = heldBack.peek(1, Long.MAX_VALUE);
    if (event.isEmpty()) {
      return;
    }
    if (expiredPrefix(event) > 0) {
      commit(heldBack, event, expiredResults(event));
      heldBackFailures = 0; // the next held-back event starts its own backoff
      return;
    }
    try {
      settle(heldBack, event, post(event));
      heldBackFailures = 0;
    } catch (RetryLater e) {
      heldBackFailures++;
      metrics.retried();
      Duration wait = backoff.delay(heldBackFailures, e.answer.retryAfter());
      heldBackRetryAtNanos = System.nanoTime() + wait.toNanos();
      LOG.info("held-back event attempt {} failed ({}); next attempt in {} ms", heldBackFailures, e.answer.reason(),
          wait.toMillis());
    }
  }

  /**
   * Delivers {@code events}, on which the hub failed {@value #SPLIT_AFTER} times as a whole, in
   * smaller requests: a failing part is halved until the event the hub fails on stands alone, which
   * is held back once the hub is seen to accept other events; parts it accepts are committed and
   * the rest is tried whole again (it may hold another such event).
   */
  private void isolate(List<SpooledEvent> events) throws RetryLater, IOException, InterruptedException {
    LOG.warn("the hub failed {} times in a row on the batch of {} events from spool record {}; sending it in "
        + "smaller requests to find an event it fails on", SPLIT_AFTER, events.size(), events.get(0).seq());
    int from = 0;
    int chunk = Math.max(1, events.size() / 2);
    boolean accepted = false;
    while (from < events.size()) {
      List<SpooledEvent> part = events.subList(from, Math.min(events.size(), from + chunk));
      Answer answer = post(part);
      if (!(answer instanceof Answer.Retry retry)) {
        settle(spool, part, answer);
        from += part.size();
        chunk = events.size() - from;
        accepted = true;
      } else if (retry.status() < 500) {
        throw new RetryLater(retry); // unreachable or overloaded: not about these events
      } else if (part.size() > 1) {
        chunk = part.size() / 2;
      } else if (accepted) {
        holdBack(part.get(0), retry);
        from++;
        chunk = events.size() - from;
      } else {
        // Nothing accepted yet: only the events after it can tell one bad event from an outage.
        List<SpooledEvent> rest = events.subList(from + 1, events.size());
        Answer restAnswer = rest.isEmpty() ? retry : post(rest);
        if (restAnswer instanceof Answer.Retry) {
          throw new RetryLater(retry);
        }
        holdBack(part.get(0), retry);
        settle(spool, rest, restAnswer);
        return;
      }
    }
  }

  /** Moves {@code event}, the oldest in the spool, to the held-back spool: appended there first, then acknowledged here. */
  private void holdBack(SpooledEvent event, Answer.Retry answer) throws IOException, RetryLater {
    try {
      heldBack.transfer(event);
    } catch (SpoolFullException full) {
      LOG.warn("cannot hold back spool record {}: {}", event.seq(), full.getMessage());
      throw new RetryLater(answer);
    }
    spool.ack(List.of(event));
    LOG.warn("event {} held back: the hub fails on it alone ({}) and accepts others; it is retried on its own "
        + "until its maximum age of {}, the events behind it go on", eventId(event), answer.reason(), settings.maxAge());
  }

  private static String eventId(SpooledEvent event) {
    try {
      return Json.READER.readTree(event.body()).path("id").asText("?");
    } catch (IOException unreadable) {
      return "at spool record " + event.seq();
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
    settle(spool, events, post(events));
  }

  private Answer post(List<SpooledEvent> events) throws InterruptedException {
    List<byte[]> bodies = new ArrayList<>(events.size());
    events.forEach(e -> bodies.add(e.body()));
    return hub.post(bodies);
  }

  /** Acts on the hub's {@code answer} for {@code events}, the oldest of {@code from}. */
  private void settle(Spool from, List<SpooledEvent> events, Answer answer)
      throws RetryLater, IOException, InterruptedException {
    if (answer instanceof Answer.Results results) {
      commit(from, events, results.results());
    } else if (answer instanceof Answer.Rejected rejected && rejected.splittable() && events.size() > 1) {
      LOG.warn("{}; sending the {} events in smaller batches", rejected.detail(), events.size());
      int half = events.size() / 2;
      // A prefix of the spool: it is acknowledged before the rest.
      settle(from, events.subList(0, half), post(events.subList(0, half)));
      settle(from, events.subList(half, events.size()), post(events.subList(half, events.size())));
    } else if (answer instanceof Answer.Rejected rejected) {
      List<Answer.EventResult> results = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        results.add(new Answer.EventResult(null, rejected.outcome(), null, rejected.detail(), rejected.errors()));
      }
      commit(from, events, results);
    } else {
      throw new RetryLater((Answer.Retry) answer);
    }
  }

  /**
   * Ends the delivery of {@code events}: dead letters synced first, then the news told, then the
   * spool acknowledged, so that {@code flush} returning means the listener has heard. A crash in
   * between tells the news again on restart (at-least-once, like delivery).
   */
  private void commit(Spool from, List<SpooledEvent> events, List<Answer.EventResult> results) throws IOException {
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
    from.ack(events);
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
