package io.annals.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One run of a built jar ({@code java -jar}) in a child JVM, with its exit code, stdout and stderr
 * kept apart: what a CLI convention test looks at. The jar must exist: a test of the built jar that
 * cannot find it fails, it does not skip.
 */
public record JarRun(int exit, String stdout, String stderr) {

  /** {@code Implementation-Version} as Maven writes it: a version like {@code 0.1.0-SNAPSHOT}. */
  public static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
  /** The start of a log line with its time, as the jars' slf4j-simple configuration writes it. */
  public static final Pattern TIMESTAMPED = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} .*");
  private static final Duration LIMIT = Duration.ofSeconds(60);

  /** Runs {@code java -jar jar args...} to its end (at most 60 s). */
  public static JarRun of(Path jar, String... args) {
    return run(jar, null, args);
  }

  /**
   * Runs {@code java -jar jar args...} until a line of its stderr matches {@code line} (at most
   * 60 s), then stops it with SIGTERM: for commands that run until stopped.
   */
  public static JarRun until(Path jar, Pattern line, String... args) {
    return run(jar, line, args);
  }

  /**
   * Runs {@code jar --version} and checks the convention: exit 0, {@code "<program> <version>"} on
   * stdout with the Maven version from the manifest, nothing on stderr.
   */
  public static JarRun version(Path jar, String program) {
    JarRun run = of(jar, "--version");
    run.expect(run.exit() == 0 && run.stdout().strip().matches(Pattern.quote(program) + " " + VERSION.pattern())
        && run.stderr().isEmpty(), "--version: exit 0, \"" + program + " <version>\" on stdout, nothing on stderr");
    return run;
  }

  /** Runs {@code jar --help} and checks the convention: exit 0, the usage on stdout starting with {@code start}, nothing on stderr. */
  public static JarRun help(Path jar, String start) {
    JarRun run = of(jar, "--help");
    run.expect(run.exit() == 0 && run.stdout().startsWith(start) && run.stderr().isEmpty(),
        "--help: exit 0, usage starting \"" + start + "\" on stdout, nothing on stderr");
    return run;
  }

  /**
   * Runs {@code jar args} and checks a wrong command line's convention: exit 2, nothing on stdout,
   * one line on stderr starting with {@code prefix} and naming {@code flag}.
   */
  public static JarRun usageError(Path jar, String prefix, String flag, String... args) {
    JarRun run = of(jar, args);
    String err = run.stderr().strip();
    run.expect(run.exit() == 2 && run.stdout().isEmpty() && err.startsWith(prefix) && err.contains(flag)
        && !err.contains("\n"), "a wrong command line: exit 2, nothing on stdout, one line on stderr starting \""
        + prefix + "\" naming " + flag);
    return run;
  }

  private void expect(boolean ok, String convention) {
    if (!ok) {
      throw new AssertionError(convention + "; was exit " + exit + ", stdout: " + stdout + ", stderr: " + stderr);
    }
  }

  private static JarRun run(Path jar, Pattern line, String... args) {
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar.toAbsolutePath() + " is not built; this test runs after `package` (mvn verify)");
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(ChildJvm.SMALL);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(List.of(args));
    try {
      Path dir = Files.createTempDirectory("jar-run-");
      Path out = dir.resolve("stdout");
      Path err = dir.resolve("stderr");
      Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      Instant deadline = Instant.now().plus(LIMIT);
      if (line != null) {
        while (process.isAlive() && Files.readAllLines(err).stream().noneMatch(l -> line.matcher(l).matches())) {
          if (Instant.now().isAfter(deadline)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " wrote no line like " + line + " to stderr in "
                + LIMIT + "; killed. stderr: " + Files.readString(err));
          }
          Thread.sleep(50);
        }
        process.destroy();
      }
      if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", command) + " did not exit within " + LIMIT + "; killed");
      }
      return new JarRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
