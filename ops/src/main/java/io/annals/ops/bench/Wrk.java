package io.annals.ops.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Single-event load from {@code wrk} (Debian package {@code wrk}), a separate C process with two
 * threads driving all connections: the cheapest closed-loop load there is, so the 2 cores go to
 * the hub rather than to 64 Java client threads (which cost the hub half its rate here, through
 * scheduling more than through their own CPU). Its Lua script ({@code bench/singles.lua}) draws
 * events like {@link EventGenerator} and counts every answer that is not 201.
 */
final class Wrk {

  /** How the script sends each event. */
  enum Form {
    /** The native envelope as a JSON body. */
    NATIVE(""),
    /** A binary-mode CloudEvent: attributes in {@code ce-*} headers, the payload as the body. */
    CLOUDEVENTS_BINARY("cloudevents");

    private final String scriptArgument;

    Form(String scriptArgument) {
      this.scriptArgument = scriptArgument;
    }
  }

  /** What one run achieved. */
  record Result(long requests, long refused, Duration elapsed, double p50Millis, double p99Millis) {
    double perSecond() {
      return Run.rate(requests, elapsed);
    }
  }

  private final Path executable;
  private final Path script;

  private Wrk(Path executable, Path script) {
    this.executable = executable;
    this.script = script;
  }

  /** {@code wrk} from the PATH with its script copied into {@code workDir}, or empty when there is no wrk. */
  static Optional<Wrk> find(Path workDir) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "wrk");
      if (Files.isExecutable(candidate)) {
        return Optional.of(new Wrk(candidate, copyScript(workDir)));
      }
    }
    return Optional.empty();
  }

  private static Path copyScript(Path workDir) {
    Path script = workDir.resolve("singles.lua");
    try (InputStream in = Wrk.class.getResourceAsStream("/bench/singles.lua")) {
      if (in == null) {
        throw new IllegalStateException("bench/singles.lua is missing from the ops jar");
      }
      Files.createDirectories(workDir);
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return script;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + script, e);
    }
  }

  /**
   * {@code connections} connections posting single events back to back for {@code duration};
   * ids are fresh per run (they carry the time the run starts).
   *
   * @throws IllegalStateException when wrk fails or prints no summary
   */
  Result closedLoop(URI hub, int connections, Duration duration, long seed) throws InterruptedException {
    return closedLoop(hub, connections, duration, seed, Form.NATIVE);
  }

  /** As {@link #closedLoop(URI, int, Duration, long)}, each event sent in {@code form}. */
  Result closedLoop(URI hub, int connections, Duration duration, long seed, Form form) throws InterruptedException {
    List<String> command = new ArrayList<>(List.of(executable.toString(), "-t2", "-c" + connections,
        "-d" + Math.max(1, duration.toSeconds()) + "s", "--timeout", "30s", "-s", script.toString(),
        hub.toString(), "--", Long.toString(seed), Long.toString(System.currentTimeMillis()), form.scriptArgument));
    try {
      Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = wrk.getInputStream().readAllBytes();
      if (!wrk.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
        wrk.destroyForcibly();
        throw new IllegalStateException("wrk failed: " + new String(output, StandardCharsets.UTF_8));
      }
      return parse(new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + executable, e);
    }
  }

  /** Reads the lines the script's {@code done} prints. */
  static Result parse(String output) {
    long requests = -1;
    long refused = -1;
    long micros = -1;
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    for (String line : output.split("\n")) {
      String[] f = line.trim().split(" ");
      if (line.startsWith("annals-refused ")) {
        refused = Long.parseLong(f[1]);
      } else if (line.startsWith("annals-latency-us ")) {
        p50 = Long.parseLong(f[2]) / 1000.0;
        p99 = Long.parseLong(f[4]) / 1000.0;
      } else if (line.startsWith("annals-summary ")) {
        requests = Long.parseLong(f[2]);
        micros = Long.parseLong(f[4]);
      }
    }
    if (requests < 0 || refused < 0 || micros <= 0) {
      throw new IllegalStateException("wrk printed no summary: " + output);
    }
    return new Result(requests, refused, Duration.ofNanos(micros * 1000), p50, p99);
  }
}
