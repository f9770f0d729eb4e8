package io.annals.ops.send;

import io.annals.hub.client.DeadLetter;
import io.annals.hub.client.DeliveryListener;
import io.annals.hub.client.Outcome;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/** Counts what {@code send} spooled and how deliveries ended; the sender thread reports, the command reads. */
final class SendTally implements DeliveryListener {

  private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
  private long spooled;
  private long withoutId;
  private long badLines;

  @Override
  public synchronized void deadLettered(DeadLetter letter) {
    outcomes.merge(letter.reason(), 1L, Long::sum);
  }

  @Override
  public synchronized void delivered(String eventId, Outcome outcome) {
    outcomes.merge(outcome, 1L, Long::sum);
  }

  synchronized void spooled(boolean newId) {
    spooled++;
    if (newId) {
      withoutId++;
    }
  }

  synchronized void badLine() {
    badLines++;
  }

  synchronized long spooled() {
    return spooled;
  }

  synchronized long withoutId() {
    return withoutId;
  }

  synchronized long badLines() {
    return badLines;
  }

  synchronized long count(Outcome outcome) {
    return outcomes.getOrDefault(outcome, 0L);
  }

  /** Events whose delivery failed for good, whatever the reason. */
  synchronized long deadLettered() {
    long dead = 0;
    for (Outcome outcome : Outcome.values()) {
      if (!outcome.delivered()) {
        dead += count(outcome);
      }
    }
    return dead;
  }

  /** One line: e.g. {@code sent 10 events: 8 created, 1 duplicate, 1 dead-lettered (1 conflict) in …}. */
  synchronized String summary(Path deadLetterFile) {
    long dead = deadLettered();
    StringJoiner reasons = new StringJoiner(", ");
    for (Outcome outcome : Outcome.values()) {
      if (!outcome.delivered() && count(outcome) > 0) {
        reasons.add(count(outcome) + " " + outcome.wireName());
      }
    }
    return String.format("spooled %d events; delivered %d created, %d duplicate; %d dead-lettered%s",
        spooled, count(Outcome.CREATED), count(Outcome.DUPLICATE), dead,
        dead == 0 ? "" : " (" + reasons + ") in " + deadLetterFile);
  }
}
