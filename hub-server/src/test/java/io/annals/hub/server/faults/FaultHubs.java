package io.annals.hub.server.faults;

import io.annals.testsupport.HubProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The fault suite's hubs: test-support's {@link HubProcess} on a data directory, each run logging to
 * a file of its own outside that directory (a full-disk test fills the data directory's file system).
 */
final class FaultHubs {

  private FaultHubs() {}

  /** A hub on {@code data} with {@code env}, started and ready (fails with its log otherwise). */
  static HubProcess started(Path data, Map<String, String> env) {
    return builder(data, env).start();
  }

  /** A hub on {@code data} with {@code env}, launched without waiting: for refusals at start-up. */
  static HubProcess launched(Path data, Map<String, String> env) {
    return builder(data, env).launch();
  }

  /** True when {@code hub} exits within {@code timeout}; false when it is still running then. */
  static boolean exitsWithin(HubProcess hub, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (hub.alive()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  private static HubProcess.Builder builder(Path data, Map<String, String> env) {
    try {
      Path log = Files.createTempFile("annals-fault-hub-", ".log");
      return HubProcess.builder(log).dataDir(data).env(env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
