package io.annals.ops.bench;

import java.util.Map;

/**
 * Adds up CPU time over the timed windows of a scenario: the hub's process and this process (the
 * load generator) while the hub works, and the calling thread while it does the raw baseline.
 * Reported per event, the figure that contention for cores does not change much. Also adds up the
 * bytes the hub passed to write calls in its windows: what it hands the disk per event.
 */
final class CpuTally {

  private long hubNanos;
  private long clientNanos;
  private long rawNanos;
  private long hubMark;
  private long clientMark;
  private long rawMark;
  private long hubWriteBytes;
  private long hubWriteMark;
  private long compilerNanos;
  private long compilerMark;
  private long clientCompilerNanos;
  private long clientCompilerMark;

  void startHub(MeasuredHub hub) {
    hubMark = hub.cpuNanos();
    clientMark = Cpu.ownNanos();
    hubWriteMark = hub.writtenBytes();
    compilerMark = hub.threads().compilerNanos();
    clientCompilerMark = Cpu.ownCompilerNanos();
  }

  void stopHub(MeasuredHub hub) {
    hubNanos += hub.cpuNanos() - hubMark;
    clientNanos += Cpu.ownNanos() - clientMark;
    hubWriteBytes += hub.writtenBytes() - hubWriteMark;
    compilerNanos += hub.threads().compilerNanos() - compilerMark;
    clientCompilerNanos += Cpu.ownCompilerNanos() - clientCompilerMark;
  }

  void startRaw() {
    rawMark = Cpu.threadNanos();
  }

  void stopRaw() {
    rawNanos += Cpu.threadNanos() - rawMark;
  }

  /** The hub's CPU microseconds per event over the hub windows; NaN when unknown. */
  double hubMicrosPerEvent(long events) {
    return hubNanos > 0 && events > 0 ? hubNanos / 1000.0 / events : Double.NaN;
  }

  /** As {@link #hubMicrosPerEvent}, less the CPU of the hub's JIT compiler threads; NaN when unknown. */
  double hubMicrosPerEventWithoutJit(long events) {
    return hubNanos > 0 && events > 0 ? (hubNanos - compilerNanos) / 1000.0 / events : Double.NaN;
  }

  /** The raw baseline's CPU microseconds per event over the raw windows; NaN when unknown. */
  double rawMicrosPerEvent(long events) {
    return rawNanos > 0 && events > 0 ? rawNanos / 1000.0 / events : Double.NaN;
  }

  /** The hub's JIT compiler threads' share of its CPU over the hub windows; NaN when unknown. */
  double hubJitShare() {
    return hubNanos > 0 ? (double) compilerNanos / hubNanos : Double.NaN;
  }

  /** This JVM's (the load generator's) JIT compiler threads' share of its CPU over the hub windows; NaN when unknown. */
  double clientJitShare() {
    return clientNanos > 0 ? (double) clientCompilerNanos / clientNanos : Double.NaN;
  }

  /** This JVM's CPU microseconds per event over the hub windows; NaN when unknown. */
  double clientMicrosPerEvent(long events) {
    return clientNanos > 0 && events > 0 ? clientNanos / 1000.0 / events : Double.NaN;
  }

  /** This JVM's CPU microseconds per event over the hub windows, less its JIT compiler threads'; NaN when unknown. */
  double clientMicrosPerEventWithoutJit(long events) {
    return clientNanos > 0 && events > 0 ? (clientNanos - clientCompilerNanos) / 1000.0 / events : Double.NaN;
  }

  /** KiB the hub passed to write calls per event over the hub windows; NaN when unknown. */
  double hubWriteKibPerEvent(long events) {
    return hubWriteBytes > 0 && events > 0 ? hubWriteBytes / 1024.0 / events : Double.NaN;
  }

  /** Puts CPU microseconds per event into {@code details}: the hub's, the load generator's, the baseline's. */
  void addTo(Map<String, Object> details, long hubEvents, long rawEvents) {
    if (hubNanos > 0 && hubEvents > 0) {
      details.put("hub_cpu_us_per_event", hubNanos / 1000.0 / hubEvents);
      details.put("hub_cpu_us_per_event_without_jit", hubMicrosPerEventWithoutJit(hubEvents));
      details.put("load_generator_cpu_us_per_event", clientNanos / 1000.0 / hubEvents);
    }
    if (rawNanos > 0 && rawEvents > 0) {
      details.put("raw_cpu_us_per_event", rawMicrosPerEvent(rawEvents));
    }
  }
}
