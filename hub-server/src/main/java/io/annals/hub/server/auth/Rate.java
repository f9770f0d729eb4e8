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

  /**
   * 100,000 requests a second, bursts of 200,000, per remote address: the budget when there is no
   * keys file. Without keys every local caller shares one address (127.0.0.1), so a budget low
   * enough to bite would throttle local benchmarks and tests; this one only stops a runaway client.
   */
  public static Rate defaultsWithoutKeys() {
    return new Rate(100_000, 200_000);
  }

  /** {@code perSecond} with the default burst: twice the rate, at least 1, at most 1,000,000. */
  public static Rate of(double perSecond) {
    return new Rate(perSecond, (int) Math.max(1, Math.min(1_000_000, Math.ceil(2 * perSecond))));
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
