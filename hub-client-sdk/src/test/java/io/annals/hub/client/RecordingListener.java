package io.annals.hub.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the client told it. */
final class RecordingListener implements DeliveryListener {

  final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
  final List<Outcome> delivered = new CopyOnWriteArrayList<>();
  final List<String> deliveredIds = new CopyOnWriteArrayList<>();

  @Override
  public void deadLettered(DeadLetter letter) {
    deadLetters.add(letter);
  }

  @Override
  public void delivered(String eventId, Outcome outcome) {
    delivered.add(outcome);
    deliveredIds.add(eventId);
  }
}
