package io.annals.hub.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The hub's real {@link Main} in a child JVM, on the test classpath: for exit codes and kill -9. */
public final class HubProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+) ");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  private final Thread reader;

  private HubProcess(Process process) {
    this.process = process;
    reader = new Thread(this::readOutput, "hub-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts Main with these arguments and extra environment variables. */
  public static HubProcess start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("HUB_"));
    builder.environment().putAll(env);
    return new HubProcess(builder.start());
  }

  /** Starts the hub on {@code dataDir} on a free port and waits until it listens. */
  public static HubProcess startOn(Path dataDir) throws Exception {
    HubProcess hub = start(Map.of(), "--port", "0", "--data-dir", dataDir.toString());
    hub.port.get(90, TimeUnit.SECONDS);
    return hub;
  }

  public int port() {
    return port.join();
  }

  public Process process() {
    return process;
  }

  /** Everything the process printed so far. */
  public List<String> output() {
    return List.copyOf(output);
  }

  /** Waits for the process to exit (a guard against a hang) and returns its exit code. */
  public int awaitExit() throws InterruptedException {
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      throw new AssertionError("hub process did not exit; output: " + output);
    }
    reader.join(10_000); // all output read, so that tests see the last lines
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  private void readOutput() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        output.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // The process died; its exit code tells the rest.
    }
    port.completeExceptionally(new AssertionError("hub exited before listening: " + output));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
