package io.annals.projections.runtime;

/** What the runtime does with an event its handler still fails on after the retries. */
public enum FailurePolicy {
  /** Stop the projection at that event, visibly, until an operator resumes or rebuilds it. */
  STOP,
  /** Put the event into {@code projection_parked} with its error and go on with the next one. */
  PARK;

  /** Parses {@code stop} or {@code park}. */
  public static FailurePolicy parse(String text) {
    for (FailurePolicy policy : values()) {
      if (policy.name().equalsIgnoreCase(text)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("failure policy must be stop or park, was: " + text);
  }
}
