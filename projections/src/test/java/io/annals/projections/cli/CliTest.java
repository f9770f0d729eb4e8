package io.annals.projections.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.client.HubException;
import io.annals.hub.client.FeedLag;
import io.annals.hub.client.FeedPage;
import io.annals.projections.reports.eventsdaily.EventsDaily;
import io.annals.projections.reports.paymentsdaily.PaymentsDaily;
import io.annals.projections.runtime.FeedSource;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.ListFeedSource;
import io.annals.projections.support.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run run(FeedSource feed, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new Cli(List.of(new PaymentsDaily(), new EventsDaily()), options -> feed)
        .run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String db() {
    return "jdbc:sqlite:" + dir.resolve("data/projections.db");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "frobnicate|unknown command frobnicate",
      "run --frob 1|unknown option --frob",
      "status --metrics-port 70000|--metrics-port must be a port number 0-65535",
      "run --interval soon|--interval must be a positive duration like 10s, 500ms or 2m, was: soon",
      "status --db mysql://x|--db must be a jdbc:sqlite: or jdbc:postgresql: URL, was: mysql://x",
      "export payments-daily|export needs --csv",
      "rebuild|rebuild needs a projection NAME",
      "rebuild nope|unknown projection nope (known: payments-daily, events-daily)",
      "run --on-failure payments-daily=ignore|--on-failure must look like NAME=stop or NAME=park",
      "status --hub localhost|--hub must be an http(s) URL"})
  void a_wrong_command_line_gets_one_clear_line_and_exit_code_2(String args, String message) {
    Run run = run(new ListFeedSource(List.of()), args.split(" "));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("projections: ").contains(message).hasLineCount(1);
  }

  @Test
  void run_once_catches_every_projection_up_and_export_prints_the_csv() {
    ListFeedSource feed = new ListFeedSource(List.of(
        TestEvents.payment(TestEvents.id(1), "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z", "3.0000/EUR"),
        TestEvents.payment(TestEvents.id(2), "2026-01-01T11:00:00Z", "2026-01-01T11:00:01Z", "2.5/EUR")));

    Run once = run(feed, "run-once", "--db", db());
    Run export = run(feed, "export", "payments-daily", "--csv", "--db", db());

    assertThat(once.exit()).as(once.err()).isZero();
    assertThat(once.out()).contains("payments-daily: caught up, 2 events applied")
        .contains("events-daily: caught up, 2 events applied");
    assertThat(export.out()).isEqualTo("day,currency,total,count\r\n2026-01-01,EUR,5.5000,2\r\n");
  }

  @Test
  void the_api_key_can_come_from_the_environment_and_the_option_wins_over_it() {
    java.util.List<String> keys = new java.util.ArrayList<>();
    Cli cli = new Cli(List.of(new PaymentsDaily()), options -> {
      keys.add(options.apiKey());
      return new ListFeedSource(List.of());
    }, java.util.Map.of("PROJECTIONS_API_KEY", "from-env"));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    cli.run(new String[] {"run-once", "--db", db()}, quiet, quiet);
    cli.run(new String[] {"run-once", "--db", db(), "--api-key", "from-option"}, quiet, quiet);

    assertThat(keys).containsExactly("from-env", "from-option");
  }

  @Test
  void exporting_a_report_that_never_ran_says_to_run_it_first() {
    Run export = run(new ListFeedSource(List.of()), "export", "events-daily", "--csv", "--db", db());

    assertThat(export.exit()).isEqualTo(1);
    assertThat(export.err()).contains("events-daily has no read model yet").contains("run `run-once`");
    assertThat(export.out()).isEmpty();
  }

  @Test
  void status_shows_checkpoint_lag_and_the_event_a_stopped_projection_failed_on() {
    ListFeedSource feed = new ListFeedSource(List.of(
        TestEvents.payment(TestEvents.id(1), "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z", "oops")));
    feed.append(Fixture.events(10, 3));
    run(feed, "run-once", "--db", db());

    Run status = run(feed, "status", "--db", db());

    assertThat(status.exit()).isEqualTo(1);
    assertThat(status.out())
        .contains("payments-daily: stopped")
        .contains("lag:         1 events")
        .contains("stopped at:  event " + TestEvents.id(1))
        .contains("amount must look like \"3.0000/EUR\", was: \"oops\"")
        .contains("events-daily: running")
        .contains("checkpoint:  4  generation 1");
  }

  @Test
  void status_shows_the_freshness_the_worker_stored_with_the_checkpoint() {
    ListFeedSource feed = new ListFeedSource(List.of(
        TestEvents.payment(TestEvents.id(1), "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z", "3.0000/EUR"),
        TestEvents.payment(TestEvents.id(2), "2026-01-01T10:00:00Z", "2026-01-01T10:00:01.500Z", "3.0000/EUR")));
    run(feed, "run-once", "--db", db());

    Run status = run(feed, "status", "--db", db());

    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).containsPattern("(?m)^  freshness:   [0-9]+\\.[0-9]{3} s \\(newest applied event received "
        + "2026-01-01T10:00:01.500Z, applied 20[0-9-]+T[0-9:.]+Z\\)$");
  }

  @Test
  void status_says_when_the_hub_cannot_be_asked_for_the_lag() {
    FeedSource down = new FeedSource() {
      @Override
      public FeedPage read(String after, Set<String> types, int limit) {
        throw new HubException("hub http://localhost:1 unreachable: Connection refused", 0, false, null);
      }

      @Override
      public FeedLag lag(String after, Set<String> types) {
        throw new HubException("hub http://localhost:1 unreachable: Connection refused", 0, false, null);
      }
    };

    Run once = run(down, "run-once", "--db", db());
    Run status = run(down, "status", "--db", db());

    assertThat(once.exit()).isEqualTo(1);
    assertThat(once.err()).isEqualTo("projections: hub http://localhost:1 unreachable: Connection refused\n");
    assertThat(status.out()).contains("payments-daily: running").contains("checkpoint:  (start of feed)")
        .contains("events-daily: not installed")
        .contains("freshness:   none yet (no event applied)")
        .contains("lag:         unknown (hub http://localhost:1 unreachable: Connection refused)");
  }
}
