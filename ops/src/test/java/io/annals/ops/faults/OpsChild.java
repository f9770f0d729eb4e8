package io.annals.ops.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM on this test's classpath, run as users run the ops CLI ({@code io.annals.ops.Main})
 * or a test's own {@code main}: stdin from a file, stdout and stderr to files.
 */
record OpsChild(Process process, Path out, Path err) {

  /** How a finished child ended. */
  record Ended(int exit, String out, String err) {}

  /** Starts {@code main} with {@code args}, reading {@code stdin} (a file; null for none), output in {@code dir}. */
  static OpsChild start(Path dir, String name, Path stdin, String main, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main));
    command.addAll(List.of(args));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Files.createFile(dir.resolve(name + ".in")).toFile())
        : ProcessBuilder.Redirect.from(stdin.toFile()));
    builder.environment().remove("ANNALS_API_KEY");
    return new OpsChild(builder.start(), out, err);
  }

  /** Starts {@code annals-ops send} with {@code args}. */
  static OpsChild send(Path dir, String name, Path stdin, String... args) throws IOException {
    String[] all = new String[args.length + 1];
    all[0] = "send";
    System.arraycopy(args, 0, all, 1, args.length);
    return start(dir, name, stdin, "io.annals.ops.Main", all);
  }

  /** {@code count} events of fresh random ids, one NDJSON line each, written to {@code file}; returns the ids in order. */
  static List<String> writeEvents(Path file, int count) throws IOException {
    List<String> ids = new ArrayList<>();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      lines.append("{\"id\":\"").append(id).append("\",\"meta\":{\"type\":\"order-placed\",\"created_at\":")
          .append("\"2026-01-01T12:00:00Z\",\"aggregate_id\":\"order/").append(i).append("\"},\"payload\":{\"n\":")
          .append(i).append("}}\n");
    }
    Files.writeString(file, lines);
    return ids;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the child to end; kills it and fails when it has not within {@code seconds}. */
  Ended await(long seconds) throws IOException, InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("child did not end within " + seconds + " s; stderr: " + Files.readString(err));
    }
    return new Ended(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** What the child has written to stdout so far. */
  String outSoFar() throws IOException {
    return Files.readString(out);
  }

  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
