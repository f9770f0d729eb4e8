package io.annals.ops.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated options of {@code bench}. {@link #parse} names a bad flag and what was expected.
 *
 * @param only scenario names to run, in the order of {@link Bench#SCENARIOS}; empty = all
 * @param workDir where the stores and logs go (a fresh temporary directory when null)
 * @param mongodbUri from {@code HUB_MONGODB_URI}: run against MongoDB instead of the embedded store
 * @param hubJvmArgs extra JVM arguments for the hub's child JVM, e.g. a JFR recording
 * @param keep leave the work directory in place (for a look at the logs or stores)
 * @param ledgerOff start the hubs of every scenario but {@code ledger} with {@code --ledger off}, to
 *     compare with builds from before the ledger (whose background appends and scrub take CPU)
 */
record BenchOptions(boolean quick, Path out, Set<String> only, Path workDir, double scale, String mongodbUri,
    List<String> hubJvmArgs, boolean keep, boolean ledgerOff) {

  static final String USAGE = String.join("\n",
      "usage: bench [--quick] [--out bench-results.json] [--only name,...] [options]",
      "  --quick             smaller sizes: the whole run in under two minutes (full run: under twenty)",
      "  --out FILE          where to write the JSON results (default bench-results.json)",
      "  --only a,b          run only these scenarios: " + String.join(", ", Bench.SCENARIOS),
      "                      (ledger: ledger-ingest with the ledger on vs off, ledger-lag, ledger-proof;",
      "                      each of the three may be named alone)",
      "                      (export, import, migrate: beside feed paging, batches posted, raw inserts)",
      "  --work-dir DIR      where stores and hub logs go (default: a new temporary directory, deleted after)",
      "  --keep              keep the work directory",
      "  --hub-jvm-arg ARG   extra JVM argument for the hub process (repeatable), e.g.",
      "                      -XX:StartFlightRecording=filename=hub.jfr,settings=profile",
      "  --scale F           multiply every size by F in (0, 1] (smoke tests)",
      "  --ledger-off        hubs of every scenario but ledger run with --ledger off (compare with older builds)",
      "Runs against MongoDB instead of the embedded store when HUB_MONGODB_URI is set.");

  BenchOptions {
    only = Set.copyOf(only);
    hubJvmArgs = List.copyOf(hubJvmArgs);
    for (String name : only) {
      if (!Bench.SCENARIOS.contains(name) && !LedgerScenarios.RESULTS.contains(name)) {
        throw new IllegalArgumentException("--only: unknown scenario \"" + name + "\"; expected some of "
            + String.join(", ", Bench.SCENARIOS));
      }
    }
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("--scale must be a number in (0, 1], was " + scale);
    }
  }

  Sizes sizes() {
    Sizes sizes = quick ? Sizes.quick() : Sizes.full();
    return scale == 1 ? sizes : sizes.scaled(scale);
  }

  boolean runs(String scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  static BenchOptions parse(String[] args, Map<String, String> env) {
    boolean quick = false;
    boolean keep = false;
    boolean ledgerOff = false;
    Path out = Path.of("bench-results.json");
    Set<String> only = new LinkedHashSet<>();
    Path workDir = null;
    double scale = 1;
    List<String> jvmArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--quick" -> quick = true;
        case "--keep" -> keep = true;
        case "--ledger-off" -> ledgerOff = true;
        case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
        case "--out", "--only", "--work-dir", "--scale", "--hub-jvm-arg" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
          }
          String value = args[++i];
          switch (flag) {
            case "--out" -> out = Path.of(value);
            case "--only" -> {
              for (String name : value.split(",")) {
                if (!name.isBlank()) {
                  only.add(name.trim());
                }
              }
            }
            case "--work-dir" -> workDir = Path.of(value);
            case "--hub-jvm-arg" -> jvmArgs.add(value);
            default -> scale = number(flag, value);
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
      }
    }
    String uri = env.get("HUB_MONGODB_URI");
    return new BenchOptions(quick, out, only, workDir, scale, uri == null || uri.isBlank() ? null : uri, jvmArgs, keep, ledgerOff);
  }

  private static double number(String flag, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, was \"" + value + "\"");
    }
  }
}
