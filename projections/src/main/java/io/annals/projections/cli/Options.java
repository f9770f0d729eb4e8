package io.annals.projections.cli;

import io.annals.projections.runtime.FailurePolicy;
import java.time.Duration;
import java.util.Map;

/**
 * A parsed command line. {@code name} is the projection argument of {@code rebuild},
 * {@code resume} and {@code export} (null otherwise); {@code workerId} null means a generated one.
 */
public record Options(
    Command command,
    String name,
    String hub,
    String apiKey,
    String db,
    int metricsPort,
    Duration interval,
    Duration leaseTimeout,
    int batchSize,
    String workerId,
    Map<String, FailurePolicy> failurePolicies,
    boolean csv) {

  public Options {
    failurePolicies = Map.copyOf(failurePolicies);
  }

  /** The worker's commands. */
  public enum Command {
    RUN("run", false), RUN_ONCE("run-once", false), REBUILD("rebuild", true), RESUME("resume", true),
    STATUS("status", false), EXPORT("export", true), HELP("help", false);

    private final String word;
    private final boolean takesName;

    Command(String word, boolean takesName) {
      this.word = word;
      this.takesName = takesName;
    }

    public String word() {
      return word;
    }

    public boolean takesName() {
      return takesName;
    }
  }
}
