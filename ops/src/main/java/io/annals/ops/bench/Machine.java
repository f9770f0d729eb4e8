package io.annals.ops.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One line that says where figures came from: cores, memory, the disk under the work directory,
 * the JDK and the load when the run began (figures from a loaded machine are noisier). Reads
 * Linux's {@code /proc} and {@code /sys} where present and leaves out what it cannot find.
 */
final class Machine {

  private Machine() {}

  static String describe(Path workDir) {
    StringBuilder line = new StringBuilder();
    line.append(Runtime.getRuntime().availableProcessors()).append(" cpus");
    cpuModel().ifPresent(model -> line.append(" (").append(model).append(')'));
    memoryGiB().ifPresent(gib -> line.append(", ").append(gib).append(" GiB RAM"));
    line.append(", disk ").append(disk(workDir));
    line.append(", ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version"));
    line.append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"));
    loadAverage().ifPresent(load -> line.append(", load average ").append(load).append(" at start"));
    return line.toString();
  }

  private static java.util.Optional<String> cpuModel() {
    return lines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim().replaceAll("\\s+", " ")).findFirst();
  }

  private static java.util.Optional<String> memoryGiB() {
    return lines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
        .map(l -> String.format(Locale.ROOT, "%.1f", Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
        .findFirst();
  }

  private static java.util.Optional<String> loadAverage() {
    List<String> load = lines(Path.of("/proc/loadavg"));
    return load.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(String.join(" ", List.of(load.get(0).split(" ")).subList(0, 3)));
  }

  /**
   * The file system and device under {@code dir}, and the median time of a 4 KiB write plus
   * fsync there: the floor under every durable commit, of the hub and of the baselines alike.
   */
  private static String disk(Path dir) {
    try {
      FileStore store = Files.getFileStore(dir);
      return store.type() + " on " + store.name()
          + String.format(Locale.ROOT, " (4 KiB write+fsync median %.2f ms)", fsyncMillis(dir));
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static double fsyncMillis(Path dir) throws IOException {
    Path probe = Files.createTempFile(dir, "fsync-probe", ".bin");
    Samples samples = new Samples();
    try (RandomAccessFile file = new RandomAccessFile(probe.toFile(), "rw")) {
      byte[] block = new byte[4096];
      for (int i = 0; i < 40; i++) {
        long start = System.nanoTime();
        file.seek((long) (i % 8) * block.length);
        file.write(block);
        file.getFD().sync();
        samples.record((System.nanoTime() - start) / 1000);
      }
    } finally {
      Files.deleteIfExists(probe);
    }
    return samples.percentileMillis(0.5);
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
