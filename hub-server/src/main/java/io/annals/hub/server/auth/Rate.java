package io.annals.hub.server.auth;

/**
 * A request budget: on average {@code perSecond} requests a second, with bursts of up to
 * {@code burst} requests at once after a quiet spell.
 *
 * @param perSecond 0.001 to 1,000,000
 * @param burst 1 to 1,000,000
 */
public record Rate(double perSecond, int burst) {

  /** 100 requests a second, bursts of 200: far above what the SDK or a projection worker sends. */
  public static Rate defaults() {
    return new Rate(100, 200);
  }

  public Rate {
    if (!(perSecond >= 0.001 && perSecond <= 1_000_000)) {
      throw new IllegalArgumentException("rate perSecond must be between 0.001 and 1000000, was: " + perSecond);
    }
    if (burst < 1 || burst > 1_000_000) {
      throw new IllegalArgumentException("rate burst must be between 1 and 1000000, was: " + burst);
    }
  }

  /** Nanoseconds between two requests at the average rate; at least 1. */
  long intervalNanos() {
    return Math.max(1, Math.round(1e9 / perSecond));
  }

  @Override
  public String toString() {
    return (perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond))
        + " requests/s (burst " + burst + ")";
  }
}
