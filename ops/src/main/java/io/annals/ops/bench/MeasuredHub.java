package io.annals.ops.bench;

import io.annals.testsupport.HubProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A real hub in a child JVM (test-support's {@link HubProcess}, the one harness the tests use too:
 * docs/decisions.md), as users run it: its own process, so that its memory can be read from
 * {@code /proc/<pid>/status} and its CPU is not mixed with the load generator's. Started on a free
 * port, on the classpath of this JVM (the ops jar holds the hub). Its log goes to a file in the
 * work directory.
 */
final class MeasuredHub implements AutoCloseable {

  private final HubProcess process;
  private final URI url;

  private MeasuredHub(HubProcess process) {
    this.process = process;
    this.url = URI.create(process.url());
  }

  /**
   * Starts a hub with {@code storeArgs} (e.g. {@code --data-dir D}), {@code env} and
   * {@code jvmArgs}, and waits until it is ready; throws with the log's last lines if it is not.
   */
  static MeasuredHub start(Path log, List<String> storeArgs, Map<String, String> env, List<String> jvmArgs) {
    return new MeasuredHub(HubProcess.builder(log).args(storeArgs).env(env).jvmArgs(jvmArgs).start());
  }

  URI url() {
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
    return Cpu.processNanos(pid()).orElse(0);
  }

  /** Context switches and JIT compiler CPU of the hub's threads so far ({@link Cpu#threads}). */
  Cpu.Threads threads() {
    return Cpu.threads(pid());
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
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), file))) {
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
    try {
      process.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
