package io.annals.projections.runtime;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How the runtime runs: {@code owner} names this worker in leases; a lease lapses
 * {@code leaseTimeout} after its last renewal; pages hold at most {@code batchSize} events (one
 * transaction each); a failing event is tried {@code maxAttempts} times, {@code retryBackoff}
 * apart (growing linearly), before its projection's {@link FailurePolicy} applies; the daemon
 * runs each projection every {@code interval}.
 */
public record RuntimeConfig(
    String owner,
    Duration leaseTimeout,
    int batchSize,
    int maxAttempts,
    Duration retryBackoff,
    Duration interval,
    Map<String, FailurePolicy> failurePolicies) {

  public RuntimeConfig {
    Objects.requireNonNull(owner, "owner");
    if (owner.isBlank()) {
      throw new IllegalArgumentException("worker id must not be blank");
    }
    requirePositive("lease timeout", leaseTimeout);
    requirePositive("interval", interval);
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    if (retryBackoff.isNegative()) {
      throw new IllegalArgumentException("retry backoff must not be negative, was: " + retryBackoff);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, was: " + batchSize);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1, was: " + maxAttempts);
    }
    failurePolicies = Map.copyOf(failurePolicies);
  }

  /** Defaults: 30 s leases, 1,000-event pages, 3 attempts 200 ms apart, every 10 s, stop on failure. */
  public static RuntimeConfig defaults() {
    return new RuntimeConfig(defaultOwner(), Duration.ofSeconds(30), 1000, 3, Duration.ofMillis(200),
        Duration.ofSeconds(10), Map.of());
  }

  /** A worker id unique to this process: host, pid and a random part (pids are reused). */
  public static String defaultOwner() {
    String runtime = ManagementFactory.getRuntimeMXBean().getName();
    return runtime + "/" + UUID.randomUUID().toString().substring(0, 8);
  }

  public FailurePolicy policyFor(String projection) {
    return failurePolicies.getOrDefault(projection, FailurePolicy.STOP);
  }

  public RuntimeConfig withOwner(String value) {
    return new RuntimeConfig(value, leaseTimeout, batchSize, maxAttempts, retryBackoff, interval, failurePolicies);
  }

  public RuntimeConfig withLeaseTimeout(Duration value) {
    return new RuntimeConfig(owner, value, batchSize, maxAttempts, retryBackoff, interval, failurePolicies);
  }

  public RuntimeConfig withBatchSize(int value) {
    return new RuntimeConfig(owner, leaseTimeout, value, maxAttempts, retryBackoff, interval, failurePolicies);
  }

  public RuntimeConfig withRetries(int attempts, Duration backoff) {
    return new RuntimeConfig(owner, leaseTimeout, batchSize, attempts, backoff, interval, failurePolicies);
  }

  public RuntimeConfig withInterval(Duration value) {
    return new RuntimeConfig(owner, leaseTimeout, batchSize, maxAttempts, retryBackoff, value, failurePolicies);
  }

  public RuntimeConfig withFailurePolicy(String projection, FailurePolicy policy) {
    Map<String, FailurePolicy> policies = new HashMap<>(failurePolicies);
    policies.put(projection, policy);
    return new RuntimeConfig(owner, leaseTimeout, batchSize, maxAttempts, retryBackoff, interval, policies);
  }

  private static void requirePositive(String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, was: " + value);
    }
  }
}
