package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SingleEventsTest {

  @Test
  void windows_add_their_counts_weigh_p50_by_requests_and_keep_the_worse_p99() {
    SingleEvents.Window a = new SingleEvents.Window(100, 0, Duration.ofSeconds(1), 2, 10, 10_000_000, 300, 1_000_000, 100, 4);
    SingleEvents.Window b = new SingleEvents.Window(300, 0, Duration.ofSeconds(3), 4, 8, 30_000_000, 900, 0, 300, 6);

    SingleEvents.Window sum = SingleEvents.Window.NONE.plus(a).plus(b);

    assertThat(sum.requests()).isEqualTo(400);
    assertThat(sum.elapsed()).isEqualTo(Duration.ofSeconds(4));
    assertThat(sum.p50Millis()).isEqualTo(3.5);
    assertThat(sum.p99Millis()).isEqualTo(10);
    assertThat(sum.compilerShare()).isEqualTo(0.025);
  }

  @Test
  void a_window_reports_cpu_with_and_without_the_jit_context_switches_and_requests_per_commit_per_event() {
    SingleEvents.Window w = new SingleEvents.Window(400, 0, Duration.ofSeconds(2), 3, 9, 40_000_000, 1_200, 8_000_000,
        400, 10);
    Map<String, Object> details = new LinkedHashMap<>();

    w.addTo(details, "native_");

    assertThat(details).containsEntry("native_events_per_s", 200.0)
        .containsEntry("native_hub_cpu_us_per_event", 100.0)
        .containsEntry("native_hub_cpu_us_per_event_without_jit", 80.0)
        .containsEntry("native_context_switches_per_event", 3.0)
        .containsEntry("native_requests_per_group_commit", 40.0);
  }

  @Test
  void this_jvms_threads_have_switched_context_at_least_once() {
    assertThat(Cpu.threads(ProcessHandle.current().pid()).contextSwitches()).isPositive();
  }
}
