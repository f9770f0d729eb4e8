package io.annals.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real hub ({@code io.annals.hub.server.Main}) in a child JVM, as users run it, on the
 * caller's classpath (a test's, or the ops jar's, both of which hold the hub). Its flags and
 * environment are the whole configuration: variables {@code HUB_*} of this JVM are not passed on.
 *
 * <p>{@link Builder#start()} waits until the hub listens and {@code /health/ready} answers 200. A
 * hub that exits or is not ready in time makes it throw with the log's last lines: a harness that
 * cannot start what it tests fails the test, it never skips it. {@link #kill()} is SIGKILL;
 * {@link #restart()} starts the same command again, on the same data and port.
 */
public final class HubProcess implements AutoCloseable {

  /** The class users run. */
  public static final String MAIN = "io.annals.hub.server.Main";

  /** For {@link Builder#port}: no {@code --port} flag, the environment ({@code HUB_PORT}) or the hub's default decides. */
  public static final int PORT_FROM_ENVIRONMENT = -1;

  private static final Pattern LISTENING = Pattern.compile("annals hub listening on \\S+?:(\\d+)");
  private static final Duration DEFAULT_READY_WITHIN = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Builder spec;
  private volatile ChildJvm jvm;
  private volatile int port;

  private HubProcess(Builder spec, ChildJvm jvm, int port) {
    this.spec = spec;
    this.jvm = jvm;
    this.port = port;
  }

  /** A hub whose output is appended to {@code log}; listening on a free port unless {@link Builder#port} says. */
  public static Builder builder(Path log) {
    return new Builder(log);
  }

  /** Starts a hub in {@code dir} (embedded store in {@code dir/data}, log {@code dir/hub.log}) on a free port; waits until ready. */
  public static HubProcess startIn(Path dir) {
    return builder(dir.resolve("hub.log")).dataDir(dir.resolve("data")).start();
  }

  /** A port nobody listened on a moment ago, for a hub that must start where a client already points. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** How to start the hub. */
  public static final class Builder {
    private final Path log;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private List<String> jvmArgs = ChildJvm.SMALL;
    private String mainClass = MAIN;
    private String bind = "127.0.0.1";
    private int port;
    private Duration readyWithin = DEFAULT_READY_WITHIN;

    private Builder(Path log) {
      this.log = log;
    }

    /** {@code --data-dir}: where the embedded store keeps its files. */
    public Builder dataDir(Path dataDir) {
      return args("--data-dir", dataDir.toString());
    }

    /** More flags for the hub ({@code --store mongodb}, {@code --feed-lag 500ms}, ...). */
    public Builder args(String... more) {
      return args(List.of(more));
    }

    public Builder args(List<String> more) {
      args.addAll(more);
      return this;
    }

    /** Environment variables for the hub, e.g. {@code LD_PRELOAD} and {@code FAKETIME} for libfaketime. */
    public Builder env(Map<String, String> variables) {
      env.putAll(variables);
      return this;
    }

    /** JVM options in place of {@link ChildJvm#SMALL}: heap size, a {@code -javaagent:}, system properties. */
    public Builder jvmArgs(List<String> options) {
      jvmArgs = List.copyOf(options);
      return this;
    }

    /** {@code --port}; 0 (the default) lets the hub take a free one, read back from its log; or {@link #PORT_FROM_ENVIRONMENT}. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** {@code --bind}; 127.0.0.1 by default, {@code null} for none (then the environment or the hub's default decides). */
    public Builder bind(String bind) {
      this.bind = bind;
      return this;
    }

    /** How long {@link #start()} and {@link HubProcess#awaitReady()} wait for the hub (90 s by default). */
    public Builder readyWithin(Duration timeout) {
      readyWithin = timeout;
      return this;
    }

    /** Another main class in the hub's place: only for testing this harness. */
    Builder mainClass(String mainClass) {
      this.mainClass = mainClass;
      return this;
    }

    /** Starts the hub without waiting, for exit codes and start-up errors ({@link #awaitExit}). */
    public HubProcess launch() {
      return new HubProcess(this, jvm(port), port);
    }

    /** Starts the hub and waits until it listens and is ready; fails with its log's last lines if it does not. */
    public HubProcess start() {
      HubProcess hub = launch();
      hub.awaitReady();
      return hub;
    }

    private ChildJvm jvm(int onPort) {
      List<String> command = new ArrayList<>();
      if (onPort >= 0) {
        command.addAll(List.of("--port", Integer.toString(onPort)));
      }
      if (bind != null) {
        command.addAll(List.of("--bind", bind));
      }
      command.addAll(args);
      return ChildJvm.builder(mainClass, log).jvmArgs(jvmArgs).args(command).env(env)
          .unsetEnvStartingWith("HUB_").start();
    }
  }

  /**
   * Waits until the hub logs that it listens and {@code /health/ready} answers 200. Throws an
   * {@link IllegalStateException} with the log's last lines (after killing the hub) when it exits
   * first or is not ready in time ({@link Builder#readyWithin}).
   */
  public void awaitReady() {
    long deadline = System.nanoTime() + spec.readyWithin.toNanos();
    try {
      while (true) {
        if (port <= 0) {
          listeningPort().ifPresent(p -> port = p);
        }
        if (port > 0 && readyAnswer() == 200) {
          return;
        }
        if (!jvm.alive()) {
          throw notStarted("it exited with " + jvm.waitFor(Duration.ofSeconds(10)));
        }
        if (System.nanoTime() > deadline) {
          jvm.kill();
          throw notStarted("not ready within " + spec.readyWithin.toSeconds() + " s; killed");
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the hub to start", e);
    }
  }

  private IllegalStateException notStarted(String why) {
    return new IllegalStateException("the hub did not start: " + why + "\n" + ChildJvm.logTail(jvm.log(), 30));
  }

  private OptionalInt listeningPort() {
    for (String line : jvm.output()) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return OptionalInt.of(Integer.parseInt(m.group(1)));
      }
    }
    return OptionalInt.empty();
  }

  private int readyAnswer() throws InterruptedException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException notListeningYet) {
      return -1;
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    if (port <= 0) {
      throw new IllegalStateException("the hub's port is not known before it listens: call awaitReady() first");
    }
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return jvm.pid();
  }

  public boolean alive() {
    return jvm.alive();
  }

  public Path log() {
    return jvm.log();
  }

  /** The lines the current hub process wrote (not those of a process before a restart). */
  public List<String> output() {
    return jvm.output();
  }

  /** SIGKILL, and waits until the process is gone: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    jvm.kill();
  }

  /** SIGTERM without waiting: the hub stops gracefully; {@link #awaitExit} collects its exit code. */
  public void terminate() {
    jvm.terminate();
  }

  /** Waits (at most 90 s, then kills it and fails) for the hub to exit, and returns its exit code. */
  public int awaitExit() throws InterruptedException {
    return jvm.waitFor(DEFAULT_READY_WITHIN);
  }

  /**
   * Starts the same command again (same data, flags, environment, log) on the same port, so that
   * clients keep their URL, and waits until ready. The process before must have exited (see
   * {@link #kill()}).
   */
  public void restart() {
    if (jvm.alive()) {
      throw new IllegalStateException("the hub (pid " + jvm.pid() + ") still runs: kill or stop it before a restart");
    }
    jvm = spec.jvm(port);
    awaitReady();
  }

  /** Stops the hub gracefully (SIGTERM), forcibly if it has not stopped after 30 s. */
  @Override
  public void close() throws InterruptedException {
    jvm.stop();
  }
}
