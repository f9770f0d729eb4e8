package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress display: a bar with rate and ETA redrawn in place on a terminal, plain lines at most every 5 s elsewhere. */
class ProgressTest {

  final AtomicLong nanos = new AtomicLong();
  final ByteArrayOutputStream shown = new ByteArrayOutputStream();
  final PrintStream err = new PrintStream(shown, true, StandardCharsets.UTF_8);

  @Test
  void on_a_terminal_a_bar_with_rate_and_eta_is_redrawn_in_place() {
    Progress p = new Progress(err, true, "events", 0, 1000, nanos::get);
    nanos.set(1_000_000_000L);
    p.advance(250);
    assertThat(shown.toString(StandardCharsets.UTF_8)).isEqualTo("\r[######                   ] 25% events 250/1,000 250/s ETA 0:00:03");
    p.finish();
    assertThat(shown.toString(StandardCharsets.UTF_8)).endsWith("\n");
  }

  @Test
  void elsewhere_plain_lines_come_at_most_every_five_seconds_and_resumed_work_is_not_counted_in_the_rate() {
    Progress p = new Progress(err, false, "events", 500, 1000, nanos::get);
    nanos.set(1_000_000_000L);
    p.advance(100);
    assertThat(shown.toString(StandardCharsets.UTF_8)).isEmpty();
    nanos.set(5_000_000_000L);
    p.advance(100);
    assertThat(shown.toString(StandardCharsets.UTF_8)).isEqualTo("70% events 700/1,000 40/s ETA 0:00:07\n");
  }

  @Test
  void an_unknown_total_shows_no_bar_and_no_eta() {
    Progress p = new Progress(err, false, "events", 0, 0, nanos::get);
    nanos.set(2_000_000_000L);
    p.finish();
    assertThat(shown.toString(StandardCharsets.UTF_8)).isEqualTo("events 0 0/s\n");
  }
}
