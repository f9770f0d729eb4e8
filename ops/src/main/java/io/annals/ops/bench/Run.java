package io.annals.ops.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What every scenario of one run shares: the sizes, the store under test, the work directory,
 * where progress is printed, and the seed that makes the generated events repeatable.
 */
record Run(BenchOptions options, Sizes sizes, Target target, Path workDir, PrintStream out, long seed) {

  /** Starts a hub named {@code name} (its own store) in a child JVM; its log is {@code <name>.log}. */
  MeasuredHub startHub(String name) throws IOException, InterruptedException {
    return startHub(name, List.of());
  }

  /** As {@link #startHub(String)}, with {@code moreArgs} after the store's flags (e.g. {@code --ledger off}). */
  MeasuredHub startHub(String name, List<String> moreArgs) throws IOException, InterruptedException {
    List<String> args = new java.util.ArrayList<>(target.hubArgs(name));
    args.addAll(moreArgs);
    if (options.ledgerOff() && !moreArgs.contains("--ledger")) {
      args.addAll(List.of("--ledger", "off"));
    }
    MeasuredHub hub = MeasuredHub.start(workDir.resolve(name + ".log"), args, target.hubEnv(), options.hubJvmArgs());
    progress("hub '%s' started (pid %d) at %s", name, hub.pid(), hub.url());
    return hub;
  }

  /** A line of progress, prefixed with the time since the JVM started. */
  void progress(String format, Object... args) {
    long ms = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    out.printf(Locale.ROOT, "[%6.1fs] %s%n", ms / 1000.0, String.format(Locale.ROOT, format, args));
  }

  /** Events per second. */
  static double rate(long events, Duration elapsed) {
    return events / Math.max(1e-9, elapsed.toNanos() / 1e9);
  }

  /** Bodies of batches of the run's batch size. */
  List<byte[]> bodies(List<BenchEvent> events) {
    List<byte[]> bodies = new java.util.ArrayList<>();
    for (int from = 0; from < events.size(); from += sizes.batchSize()) {
      bodies.add(Load.batchBody(events.subList(from, Math.min(events.size(), from + sizes.batchSize()))));
    }
    return bodies;
  }
}
