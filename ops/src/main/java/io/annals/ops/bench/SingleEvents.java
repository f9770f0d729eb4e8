package io.annals.ops.bench;

import java.time.Duration;
import java.util.Map;

/**
 * Single-event load from {@link Wrk}, measured in windows with the hub's own counters read around
 * each: its CPU, its threads' context switches, its JIT compilers' CPU and its group commits.
 */
final class SingleEvents {

  /** A warm-up slice ({@link JitWarmUp}). */
  static final Duration SLICE = Duration.ofSeconds(3);

  private SingleEvents() {}

  /** What one or more windows of closed-loop single events did, with the hub's counters over them. */
  record Window(long requests, long refused, Duration elapsed, double p50Millis, double p99Millis, long hubCpuNanos,
      long contextSwitches, long compilerNanos, long commitEvents, long commits) {

    static final Window NONE = new Window(0, 0, Duration.ZERO, 0, 0, 0, 0, 0, 0, 0);

    double perSecond() {
      return Run.rate(requests, elapsed);
    }

    /** Both windows' counts added; p50 weighted by requests, p99 the worse of the two. */
    Window plus(Window o) {
      long all = requests + o.requests;
      double p50 = all == 0 ? 0 : (p50Millis * requests + o.p50Millis * o.requests) / all;
      return new Window(all, refused + o.refused, elapsed.plus(o.elapsed), p50, Math.max(p99Millis, o.p99Millis),
          hubCpuNanos + o.hubCpuNanos, contextSwitches + o.contextSwitches, compilerNanos + o.compilerNanos,
          commitEvents + o.commitEvents, commits + o.commits);
    }

    /** The JIT compilers' share of the hub's CPU in this window. */
    double compilerShare() {
      return hubCpuNanos > 0 ? (double) compilerNanos / hubCpuNanos : 0;
    }

    /**
     * Puts this window's per-event figures into {@code details}, each name prefixed with
     * {@code prefix}: hub CPU µs, context switches, requests per group commit (one event per
     * request), the JIT compilers' share of the hub's CPU, and the latency percentiles.
     */
    void addTo(Map<String, Object> details, String prefix) {
      details.put(prefix + "events_per_s", perSecond());
      if (requests > 0) {
        details.put(prefix + "hub_cpu_us_per_event", hubCpuNanos / 1000.0 / requests);
        // Without the JIT compilers' threads: what the hub's own work costs, however warm it is.
        details.put(prefix + "hub_cpu_us_per_event_without_jit", (hubCpuNanos - compilerNanos) / 1000.0 / requests);
        details.put(prefix + "context_switches_per_event", (double) contextSwitches / requests);
      }
      if (commits > 0) {
        details.put(prefix + "requests_per_group_commit", (double) commitEvents / commits);
      }
      details.put(prefix + "jit_compiler_cpu_share", compilerShare());
      details.put(prefix + "latency_p50_ms", p50Millis);
      details.put(prefix + "latency_p99_ms", p99Millis);
    }
  }

  /**
   * {@code ingest-single-cloudevents}: the same single events as binary-mode CloudEvents
   * (attributes in {@code ce-*} headers, the payload as the body) beside native single events on
   * the same hub, the two taking turns (native, CloudEvents, CloudEvents, native) after each has
   * been warmed. Needs wrk: a harness that cannot drive the load fails the scenario rather than
   * measuring something else.
   */
  static ScenarioResult cloudEvents(Run run, MeasuredHub hub) throws InterruptedException {
    Sizes sizes = run.sizes();
    Wrk wrk = Wrk.find(run.workDir()).orElseThrow(() -> new IllegalStateException(
        "no wrk on the PATH (apt-get install wrk): the binary-mode CloudEvents come from wrk's script"));
    Map<String, Object> details = new java.util.LinkedHashMap<>();
    details.put("load_generator", "wrk (2 threads, " + sizes.clients() + " connections), native and binary-mode"
        + " CloudEvents taking turns");
    warmUp(run, wrk, hub, sizes.clients(), SLICE, run.seed() + 20, Wrk.Form.NATIVE).addTo(details, "native_");
    warmUp(run, wrk, hub, sizes.clients(), SLICE, run.seed() + 30, Wrk.Form.CLOUDEVENTS_BINARY)
        .addTo(details, "cloudevents_");
    Duration turn = sizes.concurrentTime().dividedBy(2).compareTo(SLICE) < 0 ? SLICE : sizes.concurrentTime().dividedBy(2);
    // Native, CloudEvents, CloudEvents, native: the store grows with every turn and each turn on a
    // larger file is a little slower, so in this order neither form always runs on the larger file
    // (native then CloudEvents twice put CloudEvents second each time: 0.887-0.945 over runs).
    Window nativeSingles = measure(wrk, hub, sizes.clients(), turn, run.seed() + 40, Wrk.Form.NATIVE);
    Window cloudEvents = measure(wrk, hub, sizes.clients(), turn, run.seed() + 45, Wrk.Form.CLOUDEVENTS_BINARY);
    cloudEvents = cloudEvents.plus(measure(wrk, hub, sizes.clients(), turn, run.seed() + 50, Wrk.Form.CLOUDEVENTS_BINARY));
    nativeSingles = nativeSingles.plus(measure(wrk, hub, sizes.clients(), turn, run.seed() + 55, Wrk.Form.NATIVE));
    run.progress("%s: %,.0f CloudEvents/s beside %,.0f native single events/s", Bench.CLOUDEVENTS,
        cloudEvents.perSecond(), nativeSingles.perSecond());
    cloudEvents.addTo(details, "cloudevents_");
    nativeSingles.addTo(details, "native_");
    return ScenarioResult.ratio(Bench.CLOUDEVENTS, cloudEvents.perSecond(), nativeSingles.perSecond(), "events/s", 0.9,
        details);
  }

  /** {@code clients} connections posting single events in {@code form} for {@code time}, measured. */
  static Window measure(Wrk wrk, MeasuredHub hub, int clients, Duration time, long seed, Wrk.Form form)
      throws InterruptedException {
    long[] commitsBefore = hub.commits();
    Cpu.Threads before = hub.threads();
    long cpuBefore = hub.cpuNanos();
    Wrk.Result r = wrk.closedLoop(hub.url(), clients, time, seed, form);
    long cpuAfter = hub.cpuNanos();
    Cpu.Threads after = hub.threads();
    long[] commitsAfter = hub.commits();
    if (r.refused() > 0) {
      throw new IllegalStateException("the hub refused " + r.refused() + " single events (" + form + ") under wrk's load");
    }
    return new Window(r.requests(), r.refused(), r.elapsed(), r.p50Millis(), r.p99Millis(), cpuAfter - cpuBefore,
        after.contextSwitches() - before.contextSwitches(), after.compilerNanos() - before.compilerNanos(),
        commitsAfter[0] - commitsBefore[0], commitsAfter[1] - commitsBefore[1]);
  }

  /** Warms the hub's {@code form} path in slices of {@link #SLICE}: {@link JitWarmUp}. */
  static JitWarmUp warmUp(Run run, Wrk wrk, MeasuredHub hub, int clients, Duration least, long seed, Wrk.Form form)
      throws InterruptedException {
    return JitWarmUp.until(run, hub, form.toString(), least,
        i -> wrk.closedLoop(hub.url(), clients, SLICE, seed + 1000L * i, form).elapsed());
  }
}
