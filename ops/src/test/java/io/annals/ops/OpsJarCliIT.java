package io.annals.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.JarRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The built annals-ops jar's command-line conventions: run with {@code java -jar} after {@code package}. */
class OpsJarCliIT {

  static final Path JAR = Path.of("target", "annals-ops.jar");

  @Test
  void version_prints_the_maven_project_version_from_the_manifest_on_stdout_and_exits_0() {
    JarRun.version(JAR, "annals-ops");
  }

  @Test
  void help_lists_the_commands_on_stdout_and_exits_0() {
    assertThat(JarRun.help(JAR, "usage: annals-ops").stdout()).contains("send").contains("bench");
  }

  @Test
  void every_command_prints_its_help_on_stdout_and_exits_0() {
    for (String command : Main.commands().keySet()) {
      JarRun run = JarRun.of(JAR, command, "--help");
      assertThat(run.exit()).as(command + " --help exit; stderr: " + run.stderr()).isZero();
      assertThat(run.stdout()).as(command + " --help").containsIgnoringCase("usage");
      assertThat(run.stderr()).as(command + " --help").isEmpty();
    }
  }

  @Test
  void an_unknown_command_or_none_is_the_usage_on_stderr_and_exit_2() {
    for (String[] args : new String[][] {{"no-such-command"}, {}}) {
      JarRun run = JarRun.of(JAR, args);
      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.stdout()).isEmpty();
      assertThat(run.stderr()).contains("usage: annals-ops");
    }
  }

  @Test
  void a_bad_flag_to_every_command_is_stderr_and_exit_2() {
    for (String command : Main.commands().keySet()) {
      JarRun run = JarRun.of(JAR, command, "--no-such-flag");
      assertThat(run.exit()).as(command + " --no-such-flag; stderr: " + run.stderr()).isEqualTo(2);
      assertThat(run.stdout()).as(command + " --no-such-flag").isEmpty();
      assertThat(run.stderr()).as(command + " --no-such-flag").isNotEmpty();
    }
  }
}
