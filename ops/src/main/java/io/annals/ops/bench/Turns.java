package io.annals.ops.bench;

import java.time.Duration;
import java.util.List;

/**
 * Hubs given the same batches in turns, round after round, so that load drifting on the machine
 * hits each alike: how long each took and the CPU it used. Each hub has its own store, so the
 * work is exactly the same.
 */
final class Turns {

  /** Posts {@code bodies} to {@code hub} and answers the time taken. */
  interface Poster {
    Duration post(MeasuredHub hub, List<byte[]> bodies) throws InterruptedException;
  }

  /** Each hub's total posting time and CPU, in the order the hubs were given. */
  record Result(List<Duration> times, List<CpuTally> cpu) {}

  private Turns() {}

  /** Batches posted from {@link IngestScenarios#BATCH_CONNECTIONS} clients. */
  static Poster batches() {
    return (hub, bodies) -> Load.postBatches(hub.url(), bodies, IngestScenarios.BATCH_CONNECTIONS);
  }

  /** {@code rounds} rounds of {@code perRound} new events of {@code generator}, to every hub in order. */
  static Result take(Run run, List<MeasuredHub> hubs, EventGenerator generator, int perRound, int rounds, Poster poster)
      throws InterruptedException {
    Duration[] times = new Duration[hubs.size()];
    java.util.Arrays.fill(times, Duration.ZERO);
    List<CpuTally> cpu = hubs.stream().map(h -> new CpuTally()).toList();
    for (int round = 0; round < rounds; round++) {
      List<byte[]> bodies = run.bodies(generator.next(perRound));
      for (int i = 0; i < hubs.size(); i++) {
        cpu.get(i).startHub(hubs.get(i));
        times[i] = times[i].plus(poster.post(hubs.get(i), bodies));
        cpu.get(i).stopHub(hubs.get(i));
      }
    }
    return new Result(List.of(times), cpu);
  }
}
