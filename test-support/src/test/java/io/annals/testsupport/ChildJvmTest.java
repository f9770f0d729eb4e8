package io.annals.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

  @TempDir Path dir;

  @Test
  void a_child_that_does_not_exit_in_time_is_killed_and_the_wait_fails_with_its_log() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    try (ChildJvm child = ChildJvm.start(dir.resolve("child.log"), StandInHub.class.getName(),
        List.of("--port", "0", "--data-dir", data.toString()))) {

      assertThatThrownBy(() -> child.waitFor(Duration.ofSeconds(2))).isInstanceOf(AssertionError.class)
          .hasMessageContaining("did not exit within PT2S; killed").hasMessageContaining("child.log");
      assertThat(child.alive()).isFalse();
    }
  }

  @Test
  void output_holds_only_this_childs_lines_of_a_shared_log() throws Exception {
    Path log = Files.writeString(dir.resolve("shared.log"), "an earlier child\n");
    Path data = Files.createDirectories(dir.resolve("data"));
    try (ChildJvm child = ChildJvm.start(log, StandInHub.class.getName(),
        List.of("--port", "0", "--data-dir", data.toString(), "--fail"))) {

      assertThat(child.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(child.output()).containsExactly("refusing to start: --fail");
      assertThat(Files.readAllLines(log)).hasSize(2);
    }
  }

  @Test
  void the_classpath_without_a_fragment_drops_only_the_entries_holding_it() {
    List<String> all = List.of(ChildJvm.classpath().split(File.pathSeparator));
    List<String> without = List.of(ChildJvm.classpathWithout("jackson").split(File.pathSeparator));

    assertThat(all).anyMatch(entry -> entry.contains("jackson"));
    assertThat(without).noneMatch(entry -> entry.contains("jackson"))
        .containsExactlyElementsOf(all.stream().filter(entry -> !entry.contains("jackson")).toList());
  }
}
