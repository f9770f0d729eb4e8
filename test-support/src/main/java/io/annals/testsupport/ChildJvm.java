package io.annals.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real child JVM running one main class, its output (stdout and stderr) appended to a log file;
 * stopped with SIGTERM or killed with SIGKILL on demand. A JVM shutdown hook kills it too, so that
 * a failing or interrupted test leaves no process behind.
 */
public final class ChildJvm implements AutoCloseable {

  /** Small and quick to start: the machine is shared and test children do little work. */
  public static final List<String> SMALL = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final Process process;
  private final Path log;
  private final long logStart;

  private ChildJvm(Process process, Path log, long logStart) {
    this.process = process;
    this.log = log;
    this.logStart = logStart;
  }

  /** This JVM's classpath. */
  public static String classpath() {
    return System.getProperty("java.class.path");
  }

  /** This JVM's classpath without the entries whose path contains {@code fragment}. */
  public static String classpathWithout(String fragment) {
    return Arrays.stream(classpath().split(File.pathSeparator))
        .filter(entry -> !entry.contains(fragment))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** Starts {@code mainClass} with {@code args} in a {@link #SMALL} JVM on this classpath. */
  public static ChildJvm start(Path log, String mainClass, List<String> args) {
    return builder(mainClass, log).args(args).start();
  }

  /** A child JVM running {@code mainClass}, its output appended to {@code log}. */
  public static Builder builder(String mainClass, Path log) {
    return new Builder(mainClass, log);
  }

  /** What to start; {@link #start()} starts it, and may be called again for the same command. */
  public static final class Builder {
    private final String mainClass;
    private final Path log;
    private String classpath = ChildJvm.classpath();
    private List<String> jvmArgs = SMALL;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> unsetPrefixes = new ArrayList<>();

    private Builder(String mainClass, Path log) {
      this.mainClass = mainClass;
      this.log = log;
    }

    public Builder classpath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    /** JVM options in place of {@link #SMALL}: heap size, {@code -javaagent:...}, system properties. */
    public Builder jvmArgs(List<String> jvmArgs) {
      this.jvmArgs = List.copyOf(jvmArgs);
      return this;
    }

    public Builder args(List<String> args) {
      this.args.addAll(args);
      return this;
    }

    /** An environment variable for the child (e.g. {@code LD_PRELOAD} and {@code FAKETIME} for libfaketime). */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder env(Map<String, String> variables) {
      env.putAll(variables);
      return this;
    }

    /** Does not pass on the variables of this JVM whose name starts with {@code prefix}. */
    public Builder unsetEnvStartingWith(String prefix) {
      unsetPrefixes.add(prefix);
      return this;
    }

    /** The whole command line, for messages. */
    public List<String> command() {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmArgs);
      command.addAll(List.of("-cp", classpath, mainClass));
      command.addAll(args);
      return command;
    }

    public ChildJvm start() {
      ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().keySet().removeIf(name -> unsetPrefixes.stream().anyMatch(name::startsWith));
      builder.environment().putAll(env);
      try {
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Process process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return new ChildJvm(process, log, logStart);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + mainClass + " (log " + log + ")", e);
      }
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** SIGKILL and wait: no shutdown hook runs, nothing is flushed, no lease is released. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM without waiting: the child runs its shutdown hooks; {@link #waitFor} collects the exit code. */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** SIGTERM and wait up to 30 s, then SIGKILL. */
  public void stop() throws InterruptedException {
    terminate();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }

  /**
   * Waits for the child to exit and returns its exit code; a child still running after
   * {@code timeout} is killed and the wait fails with the log's last lines.
   */
  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new AssertionError("child did not exit within " + timeout + "; killed. " + logTail(log, 20));
    }
    return process.exitValue();
  }

  /** The lines this child wrote so far (not those of earlier children on the same log). */
  public List<String> output() {
    try {
      byte[] all = Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
      int from = (int) Math.min(logStart, all.length);
      return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
  }

  /** "log X ends: ..." with the last {@code lines} lines of a log, for failure messages. */
  public static String logTail(Path log, int lines) {
    try {
      List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return "log " + log + " ends:\n  " + String.join("\n  ", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "log " + log + " unreadable: " + e;
    }
  }

  /** Kills the child if it still runs. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
