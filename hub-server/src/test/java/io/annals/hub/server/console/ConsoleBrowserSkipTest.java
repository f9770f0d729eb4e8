package io.annals.hub.server.console;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Without Debian's chromium or its driver the browser tests are aborted with a message saying so, never passed silently. */
class ConsoleBrowserSkipTest {

  @Test
  void a_missing_browser_or_driver_aborts_the_test_and_says_what_to_install() {
    Path missing = Path.of("/nonexistent/chromium");
    assertThatThrownBy(() -> ConsoleBrowser.requireChromium(missing, ConsoleBrowser.DRIVER))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("SKIPPED: the console's browser tests need Debian's chromium and chromium-driver")
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> ConsoleBrowser.requireChromium(ConsoleBrowser.CHROMIUM, missing))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  void present_executables_let_the_test_run() {
    // /bin/sh stands in for both: only their presence is checked here; starting them is ConsoleBrowser.start's job.
    assertThatCode(() -> ConsoleBrowser.requireChromium(Path.of("/bin/sh"), Path.of("/bin/sh"))).doesNotThrowAnyException();
  }
}
