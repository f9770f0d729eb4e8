package io.annals.ops.loadgen;

import java.util.List;

/**
 * One request the generator sends to {@code POST /events}: a single event (an object) or a batch
 * (an array), with the intent of each event in request order.
 */
record PlannedRequest(String body, boolean batch, List<Intent> intents) {

  PlannedRequest {
    intents = List.copyOf(intents);
    if (intents.isEmpty() || (!batch && intents.size() != 1)) {
      throw new IllegalArgumentException("a single-event request holds one event, a batch at least one; got "
          + intents.size() + (batch ? " in a batch" : ""));
    }
  }

  int events() {
    return intents.size();
  }
}
