package io.annals.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.JarRun;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built hub jar's command-line conventions: run with {@code java -jar} after {@code package}. */
class HubJarCliIT {

  static final Path JAR = Path.of("target", "hub-server.jar");

  @Test
  void version_prints_the_maven_project_version_from_the_manifest_on_stdout_and_exits_0() {
    JarRun.version(JAR, "annals hub");
  }

  @Test
  void help_prints_the_settings_on_stdout_and_exits_0() {
    JarRun.help(JAR, "Annals hub.");
  }

  @Test
  void a_bad_flag_is_one_line_on_stderr_and_exit_2() {
    JarRun.usageError(JAR, "annals hub:", "--no-such-flag", "--no-such-flag");
  }

  @Test
  void a_running_hub_logs_with_timestamps_on_stderr_and_writes_nothing_to_stdout(@TempDir Path dir) {
    JarRun run = JarRun.until(JAR, Pattern.compile(".*annals hub listening on .*"),
        "--port", "0", "--data-dir", dir.resolve("data").toString());
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr().lines().filter(l -> !l.isBlank()).toList()).isNotEmpty()
        .allSatisfy(line -> assertThat(line).matches(JarRun.TIMESTAMPED));
  }
}
