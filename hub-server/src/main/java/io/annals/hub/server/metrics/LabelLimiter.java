package io.annals.hub.server.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a label's distinct values bounded. {@code service} and {@code type} come from producers;
 * without a bound, one misbehaving client inventing types would grow the registry (and every
 * scrape) without end. Values seen first are kept; the rest are folded into {@link #OTHER}.
 */
final class LabelLimiter {

  /** The label value that stands for every value past the limit. */
  static final String OTHER = "_other";

  private final int max;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  LabelLimiter(int max) {
    this.max = max;
  }

  /** {@code value} if it is known or there is still room for it, else {@link #OTHER}. */
  String admit(String value) {
    if (seen.contains(value)) {
      return value;
    }
    // Size and add are not atomic together; overshooting by a few values under a race is harmless.
    if (seen.size() < max) {
      seen.add(value);
      return value;
    }
    return OTHER;
  }
}
