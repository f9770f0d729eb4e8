package io.annals.projections;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.JarRun;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built projections jar's command-line conventions: run with {@code java -jar} after {@code package}. */
class ProjectionsJarCliIT {

  static final Path JAR = Path.of("target", "projections.jar");

  @Test
  void version_prints_the_maven_project_version_from_the_manifest_on_stdout_and_exits_0() {
    JarRun.version(JAR, "projections");
  }

  @Test
  void help_prints_the_usage_on_stdout_and_exits_0() {
    JarRun.help(JAR, "usage: projections");
  }

  @Test
  void a_bad_flag_is_one_line_on_stderr_and_exit_2() {
    JarRun.usageError(JAR, "projections:", "--no-such-flag", "run", "--no-such-flag");
  }

  @Test
  void the_worker_logs_with_timestamps_on_stderr_and_writes_nothing_to_stdout(@TempDir Path dir) {
    // No hub listens on port 9: the worker keeps running and says so in its logs.
    JarRun run = JarRun.until(JAR, Pattern.compile(".* worker \\S+ running .*"), "run", "--hub", "http://127.0.0.1:9",
        "--db", "jdbc:sqlite:" + dir.resolve("reports.db"), "--interval", "1s");
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr().lines().filter(l -> !l.isBlank()).filter(l -> !l.startsWith("\t") && !l.startsWith("Caused by"))
        .toList()).isNotEmpty().allSatisfy(line -> assertThat(line).matches(JarRun.TIMESTAMPED));
  }
}
