package io.annals.ops.bench;

import io.annals.ops.Command;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;

/**
 * {@code bench [--quick] [--out bench-results.json] [--only name,...]}: measures the hub against
 * the store underneath it, each figure beside a baseline measured in the same run, prints a table
 * and writes it as JSON. Exits 0 when every scenario was measured (met targets or not: a miss is a
 * finding, not an error), 1 when one failed, 2 on bad options.
 */
public final class BenchCommand implements Command {

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  public BenchCommand() {
    this(System.out, System.err, System.getenv());
  }

  BenchCommand(PrintStream out, Map<String, String> env) {
    this(out, System.err, env);
  }

  /** Results and {@code --help} on {@code out}, a wrong command line on {@code err}. */
  BenchCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  @Override
  public String summary() {
    return "measure the hub beside its store's own limits: [--quick] [--out FILE] [--only name,...]";
  }

  @Override
  public int run(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
      out.println(BenchOptions.USAGE);
      return 0;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return USAGE_ERROR;
    }
    Path workDir = options.workDir() == null ? Files.createTempDirectory("annals-bench-")
        : Files.createDirectories(options.workDir());
    long seed = System.nanoTime();
    Target target = options.mongodbUri() == null ? Target.embedded(workDir)
        : Target.mongodb(options.mongodbUri(), Long.toString(seed % 1_000_000, 36));
    String mode = (options.quick() ? "quick" : "full") + (options.scale() == 1 ? "" : " x" + options.scale())
        + ", " + target.describe();
    try {
      String machine = Machine.describe(workDir);
      out.println("bench: " + mode);
      out.println("machine: " + machine);
      if (options.mongodbUri() != null) {
        out.println("note: figures against MongoDB are only meaningful on a real deployment; the in-JVM"
            + " wire-protocol test server (mongo-java-server) is a test double, not a performance baseline");
      }
      Run run = new Run(options, options.sizes(), target, workDir, out, seed);
      List<ScenarioResult> results = new Bench(run).run();
      BenchReport report = new BenchReport(machine, mode, results);
      out.println();
      out.print(report.table());
      report.write(options.out());
      out.println("results written to " + options.out().toAbsolutePath());
      return results.stream().anyMatch(ScenarioResult::failed) ? 1 : 0;
    } finally {
      target.close();
      if (!options.keep()) {
        deleteTree(workDir);
      } else {
        out.println("work directory kept: " + workDir);
      }
    }
  }

  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the work directory " + root, e);
    }
  }
}
