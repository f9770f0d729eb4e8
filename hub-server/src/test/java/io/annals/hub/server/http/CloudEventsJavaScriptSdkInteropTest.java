package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.HubProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23, "Must show" 1 for the official CloudEvents JavaScript SDK (npm {@code cloudevents}):
 * {@code src/test/js/interop.mjs}, run with Node.js against a real hub in a child process, sends
 * events with ids that are not UUIDs, without {@code subject}, with {@code traceparent}, with
 * XML, text and protobuf data, in binary, structured and batch mode, sends them again, and reads
 * them back with the SDK's own parser from the single, list and feed answers.
 *
 * <p>The Maven build does not need Node: without {@code node} on the PATH, or without the SDK
 * installed ({@code npm ci} in {@code src/test/js}, which {@code ops/ci/check-ops.sh} and so
 * {@code .ci/run} do), the test says so on its output and is reported skipped, never silently.
 */
class CloudEventsJavaScriptSdkInteropTest {

  static final Path SCRIPT_DIR = Path.of("src", "test", "js");

  @TempDir Path dir;

  @Test
  void the_javascript_sdk_sends_in_every_mode_and_reads_back_events_equal_to_what_it_sent() throws Exception {
    String node = nodeVersion();
    skipSaying(node == null, "node is not installed (Node.js 20+ runs src/test/js/interop.mjs)");
    skipSaying(!Files.isDirectory(SCRIPT_DIR.resolve("node_modules").resolve("cloudevents")),
        "the npm package cloudevents is not installed in hub-server/src/test/js; run `npm ci` there"
            + " (ops/ci/check-ops.sh does)");

    try (HubProcess hub = HubProcess.startIn(dir)) {
      Process run = new ProcessBuilder("node", "interop.mjs", hub.url()).directory(SCRIPT_DIR.toFile())
          .redirectErrorStream(true).start();
      boolean finished = run.waitFor(180, TimeUnit.SECONDS);
      String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!finished) {
        run.destroyForcibly();
      }
      System.out.println("CloudEventsJavaScriptSdkInteropTest (node " + node + "):\n" + output);

      assertThat(finished).as("interop.mjs finished within 180 s: %s", output).isTrue();
      assertThat(run.exitValue()).as(output).isZero();
      assertThat(output).contains("ok binary:", "ok structured:", "ok batch:", "all modes ok").doesNotContain("FAIL");
    }
  }

  /** The output of {@code node --version}, or null when there is no {@code node} to run. */
  static String nodeVersion() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    }
  }

  static void skipSaying(boolean skip, String why) {
    if (skip) {
      System.out.println("SKIPPED CloudEventsJavaScriptSdkInteropTest: " + why);
    }
    Assumptions.assumeFalse(skip, why);
  }
}
