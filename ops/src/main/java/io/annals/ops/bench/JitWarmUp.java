package io.annals.ops.bench;

import java.time.Duration;
import java.util.Map;

/**
 * A warm-up that ends when the hub has compiled what the load runs, not after a fixed time: slices
 * of load, each followed by a look at the JIT compiler threads' share of the hub's CPU in it, for
 * at least a given time and on until that share stays below {@link #SETTLED_COMPILER_SHARE} for
 * {@link #SETTLED_SLICES} slices in a row, or
 * {@link #MAX} (times the run's scale) has passed. A fixed warm-up measured a hub still compiling in quick runs: on this
 * two-core machine the compilers took 24-42% of the hub's CPU for the first 40 s of single-event
 * load, so quick (6 s) and full (30 s) runs compared different hubs (docs/decisions.md).
 *
 * <p>{@link #untilBoth} watches this JVM's compilers too, for scenarios whose client side is
 * measured as well (the exporter and the feed reader of {@code export}: issue 26).
 *
 * @param time how long the hub was warmed
 * @param slices how many slices of load it took
 * @param lastCompilerShare the JIT compilers' share of the hub's CPU in the last slice
 * @param lastClientCompilerShare the JIT compilers' share of this JVM's CPU in the last slice; NaN when not watched
 */
record JitWarmUp(Duration time, int slices, double lastCompilerShare, double lastClientCompilerShare) {

  /** The hub counts as warm once its JIT compilers take less than this share of its CPU in a slice. */
  static final double SETTLED_COMPILER_SHARE = 0.05;
  /**
   * Slices in a row below that share: after one quiet slice the compilers took 37% of the hub's
   * CPU in the timed window of one quick run (C2 recompiling what it had deoptimised).
   */
  static final int SETTLED_SLICES = 2;
  /** The longest warm-up, for a machine so loaded that the compilers never settle. */
  static final Duration MAX = Duration.ofSeconds(60);

  /** One slice of load; answers how long it ran. */
  interface Slice {
    Duration run(int index) throws InterruptedException;
  }

  /** Runs {@code slice} on {@code hub} until it is warm (see the class comment), for at least {@code least}. */
  static JitWarmUp until(Run run, MeasuredHub hub, String what, Duration least, Slice slice) throws InterruptedException {
    return warm(run, hub.pid(), false, what, least, slice);
  }

  /** As {@link #until(Run, MeasuredHub, String, Duration, Slice)}, for any process (e.g. {@link HttpFloor}'s server). */
  static JitWarmUp until(Run run, long pid, String what, Duration least, Slice slice) throws InterruptedException {
    return warm(run, pid, false, what, least, slice);
  }

  /**
   * As {@link #until}, until the JIT compilers of this JVM (where the slice's client work runs) also
   * take less than {@link #SETTLED_COMPILER_SHARE} of its CPU in the slice.
   */
  static JitWarmUp untilBoth(Run run, MeasuredHub hub, String what, Duration least, Slice slice) throws InterruptedException {
    return warm(run, hub.pid(), true, what, least, slice);
  }

  private static JitWarmUp warm(Run run, long pid, boolean client, String what, Duration least, Slice slice)
      throws InterruptedException {
    // Scaled with the run (--scale), so that smoke tests stop after a slice or two.
    Duration max = Duration.ofMillis((long) (MAX.toMillis() * run.options().scale()));
    Duration warmed = Duration.ZERO;
    double share;
    double clientShare = Double.NaN;
    int settled = 0;
    int index = 0;
    do {
      long cpuBefore = Cpu.processNanos(pid).orElse(0);
      long compilerBefore = Cpu.threads(pid).compilerNanos();
      long ownBefore = Cpu.ownNanos();
      long ownCompilerBefore = client ? Cpu.ownCompilerNanos() : 0;
      warmed = warmed.plus(slice.run(index++));
      long cpu = Cpu.processNanos(pid).orElse(0) - cpuBefore;
      share = cpu > 0 ? (double) (Cpu.threads(pid).compilerNanos() - compilerBefore) / cpu : 0;
      if (client) {
        long own = Cpu.ownNanos() - ownBefore;
        clientShare = own > 0 ? (double) (Cpu.ownCompilerNanos() - ownCompilerBefore) / own : 0;
      }
      // clientShare is NaN when this JVM is not watched, and then does not hold the warm-up back.
      boolean quiet = share < SETTLED_COMPILER_SHARE && !(clientShare >= SETTLED_COMPILER_SHARE);
      settled = quiet ? settled + 1 : 0;
      if (client) {
        run.progress("warm-up (%s): %.0f s, JIT compilers %.0f%% of the hub's CPU, %.0f%% of this JVM's", what,
            warmed.toMillis() / 1000.0, 100 * share, 100 * clientShare);
      } else {
        run.progress("warm-up (%s): %.0f s, JIT compilers %.0f%% of the hub's CPU", what, warmed.toMillis() / 1000.0,
            100 * share);
      }
    } while ((warmed.compareTo(least) < 0 || settled < SETTLED_SLICES) && warmed.compareTo(max) < 0);
    return new JitWarmUp(warmed, index, share, clientShare);
  }

  /** Puts the warm-up's time and last compiler share into {@code details}, names prefixed with {@code prefix}. */
  void addTo(Map<String, Object> details, String prefix) {
    details.put(prefix + "warm_up_s", time.toMillis() / 1000.0);
    details.put(prefix + "warm_up_last_jit_compiler_cpu_share", lastCompilerShare);
    if (!Double.isNaN(lastClientCompilerShare)) {
      details.put(prefix + "warm_up_slices", slices);
      details.put(prefix + "warm_up_last_client_jit_compiler_cpu_share", lastClientCompilerShare);
    }
  }
}
