package io.annals.ops.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * CPU accounting, the part of a figure that a busy machine does not distort: CPU time spent per
 * event by the hub and by the baseline is the same whether the run had the cores to itself or
 * shared them, where events per second are not. And how contended the CPU was: the share of the
 * time some task waited for a core (Linux pressure stall information), to read a run's figures by.
 */
final class Cpu {

  /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on every Linux that matters here. */
  private static final long TICKS_PER_SECOND = 100;

  private Cpu() {}

  /** CPU time (user + system) of process {@code pid} so far, in nanoseconds. */
  static OptionalLong processNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return OptionalLong.of(ticks * 1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * What the threads of process {@code pid} alive now have done so far: context switches
   * (voluntary, a thread waiting; involuntary, one preempted) and the CPU time of the JIT
   * compiler threads. From {@code /proc/<pid>/task/*}; threads that ended are not counted (the
   * hub's request threads live for minutes), so read it as a difference over a window.
   */
  record Threads(long contextSwitches, long compilerNanos) {}

  /** The threads of {@code pid} now; zeros where /proc has no answer. */
  static Threads threads(long pid) {
    long switches = 0;
    long compilerTicks = 0;
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) list::iterator) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
              switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.contains("CompilerThre")) {
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            compilerTicks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended while we looked
        }
      }
    } catch (IOException | RuntimeException e) {
      return new Threads(0, 0);
    }
    return new Threads(switches, compilerTicks * 1_000_000_000L / TICKS_PER_SECOND);
  }

  /** CPU time of this JVM so far, in nanoseconds (0 where the platform does not say). */
  static long ownNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  /** CPU time of this JVM's JIT compiler threads so far, in nanoseconds ({@link #threads}). */
  static long ownCompilerNanos() {
    return threads(ProcessHandle.current().pid()).compilerNanos();
  }

  /** CPU time of the calling thread so far, in nanoseconds. */
  static long threadNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** Microseconds some task waited for a CPU since boot ({@code /proc/pressure/cpu}), or -1 where unknown. */
  static long stallMicros() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/pressure/cpu"));
      for (String line : lines) {
        if (line.startsWith("some ")) {
          return Long.parseLong(line.substring(line.indexOf("total=") + 6).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // no PSI on this kernel
    }
    return -1;
  }

  /** A stopwatch of wall time and CPU stall, started by {@link #watch()}. */
  record Watch(long wallNanos, long stallMicros) {

    /** Percent of the wall time since the start in which some task waited for a CPU; null where unknown. */
    Double stallPercent() {
      long stall = Cpu.stallMicros();
      long wall = System.nanoTime() - wallNanos;
      if (stall < 0 || stallMicros < 0 || wall <= 0) {
        return null;
      }
      return Math.min(100, 100.0 * (stall - stallMicros) * 1000 / wall);
    }
  }

  static Watch watch() {
    return new Watch(System.nanoTime(), stallMicros());
  }
}
