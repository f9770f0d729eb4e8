package io.annals.ops.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real hub ({@code io.annals.hub.server.Main}) in a child JVM, as users run it: its own process,
 * so that its memory can be read from {@code /proc/<pid>/status} and its CPU is not mixed with the
 * load generator's. Started on port 0; the port comes from the hub's "listening on" log line. Its
 * log goes to a file in the work directory. Public for the ops fault-injection tests, which run
 * the real hub the same way.
 */
public final class HubProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("annals hub listening on \\S+?:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;
  private final URI url;

  private HubProcess(Process process, Path log, URI url) {
    this.process = process;
    this.log = log;
    this.url = url;
  }

  /** As {@link #start(Path, List, Map, List)} with no environment of its own. */
  public static HubProcess start(Path log, List<String> storeArgs, List<String> jvmArgs)
      throws IOException, InterruptedException {
    return start(log, storeArgs, Map.of(), jvmArgs);
  }

  /**
   * Starts a hub with {@code storeArgs} (e.g. {@code --data-dir D}), {@code env} and
   * {@code jvmArgs}, on the classpath of this JVM (the ops jar holds the hub), and waits until it
   * listens.
   */
  static HubProcess start(Path log, List<String> storeArgs, Map<String, String> env, List<String> jvmArgs)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.annals.hub.server.Main");
    command.addAll(List.of("--port", "0", "--bind", "127.0.0.1"));
    command.addAll(storeArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    // The hub reads HUB_* variables too; the bench's flags and env must be the whole configuration.
    builder.environment().keySet().removeIf(name -> name.startsWith("HUB_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        return new HubProcess(process, log, URI.create("http://127.0.0.1:" + m.group(1)));
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("the hub did not start (exit " + (process.isAlive() ? "-" : process.exitValue())
            + "); its log " + log + " ends: " + tail(log));
      }
      Thread.sleep(50);
    }
  }

  public URI url() {
    return url;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Events and transactions the hub's group committer has stored so far, from its {@code /metrics}
   * ({@code annals_hub_ingest_batch_events} sum and count); {0, 0} when it does not say.
   */
  long[] commits() {
    try (HttpConnection http = new HttpConnection(url, null)) {
      HttpConnection.Answer metrics = http.get("/metrics");
      long[] sumAndCount = new long[2];
      for (String line : metrics.text().split("\n")) {
        if (line.startsWith("annals_hub_ingest_batch_events_sum ")) {
          sumAndCount[0] = (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
        } else if (line.startsWith("annals_hub_ingest_batch_events_count ")) {
          sumAndCount[1] = (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
        }
      }
      return sumAndCount;
    } catch (IOException | RuntimeException e) {
      return new long[2];
    }
  }

  /** CPU time the hub has used so far, in nanoseconds (0 where /proc has no answer). */
  long cpuNanos() {
    return Cpu.processNanos(process.pid()).orElse(0);
  }

  /**
   * Bytes the hub has passed to write calls so far ({@code wchar} of {@code /proc/<pid>/io}: its
   * log appends and checkpoints, and its answers on sockets, which are small beside them for
   * batches); 0 where /proc has no answer. Not {@code write_bytes}: on this kernel (6.x, ext4 with
   * large folios) that counts a whole folio each time one 4 KiB page of it is dirtied: random 4 KiB
   * writes into a file written in 1 MiB pieces were 78 MiB written and 12.8 GiB counted.
   */
  long writtenBytes() {
    return procNumber("io", "wchar:").orElse(0);
  }

  /** The hub's peak resident memory so far ({@code VmHWM}), in bytes; empty where /proc has no answer. */
  OptionalLong peakRssBytes() {
    return statusKiB("VmHWM:");
  }

  /** The hub's resident memory now ({@code VmRSS}), in bytes. */
  OptionalLong rssBytes() {
    return statusKiB("VmRSS:");
  }

  /**
   * The part of its resident memory now that is pages of files ({@code RssFile}): the JVM's own
   * files, and any of the store's file mapped into memory (with SQLite's {@code mmap_size}, tried
   * and dropped: docs/decisions.md), page cache the kernel can reclaim.
   */
  OptionalLong fileRssBytes() {
    return statusKiB("RssFile:");
  }

  private OptionalLong statusKiB(String field) {
    OptionalLong kib = procNumber("status", field);
    return kib.isPresent() ? OptionalLong.of(kib.getAsLong() * 1024) : kib;
  }

  /** The number on the line of {@code /proc/<pid>/<file>} that starts with {@code field}. */
  private OptionalLong procNumber(String file, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), file))) {
        if (line.startsWith(field)) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return OptionalLong.empty();
  }

  /** Stops the hub gracefully (SIGTERM), forcibly if it has not stopped after 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  Path log() {
    return log;
  }
}
