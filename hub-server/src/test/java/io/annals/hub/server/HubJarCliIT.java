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
    JarRun run = JarRun.of(JAR, "--version");
    assertThat(run.exit()).isZero();
    assertThat(run.stdout().strip()).startsWith("annals hub ").matches("annals hub " + JarRun.VERSION.pattern());
    assertThat(run.stderr()).isEmpty();
  }

  @Test
  void help_prints_the_settings_on_stdout_and_exits_0() {
    JarRun run = JarRun.of(JAR, "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.stdout()).startsWith("Annals hub.").contains("--port").contains("HUB_API_KEYS_FILE");
    assertThat(run.stderr()).isEmpty();
  }

  @Test
  void a_bad_flag_is_one_line_on_stderr_and_exit_2() {
    JarRun run = JarRun.of(JAR, "--no-such-flag");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr().strip()).startsWith("annals hub:").contains("--no-such-flag").doesNotContain("\n");
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
