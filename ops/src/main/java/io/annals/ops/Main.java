package io.annals.ops;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** The ops CLI: {@code java -jar ops/target/annals-ops.jar <command> [options]}. Only dispatches. */
public final class Main {

  private Main() {}

  static Map<String, Command> commands() {
    Map<String, Command> commands = new TreeMap<>();
    // Each command registers itself here, one line each.
    commands.put("loadgen", new io.annals.ops.loadgen.LoadgenCommand());
    commands.put("keygen", new io.annals.ops.keygen.KeygenCommand());
    commands.put("send", new io.annals.ops.send.SendCommand());
    commands.put("bench", new io.annals.ops.bench.BenchCommand());
    commands.put("verify", new io.annals.ops.verify.VerifyCommand());
    commands.put("catalog", new io.annals.ops.catalog.CatalogCommand());
    commands.put("export", new io.annals.ops.history.ExportCommand());
    commands.put("import", new io.annals.ops.history.ImportCommand());
    commands.put("migrate", new io.annals.ops.history.MigrateCommand());
    return commands;
  }

  public static void main(String[] args) throws Exception {
    Map<String, Command> commands = commands();
    if (args.length == 1 && args[0].equals("--version")) {
      System.out.println("annals-ops " + version());
      System.exit(0);
    }
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      usage(commands, System.out);
      System.exit(0);
    }
    if (args.length == 0 || !commands.containsKey(args[0])) {
      if (args.length > 0) {
        System.err.println("annals-ops: unknown command " + args[0]);
      }
      usage(commands, System.err);
      System.exit(Command.USAGE_ERROR);
    }
    System.exit(commands.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length)));
  }

  private static void usage(Map<String, Command> commands, PrintStream to) {
    to.println("usage: annals-ops <command> [options]    (annals-ops <command> --help for a command's options)");
    to.println("       annals-ops --version | --help");
    commands.forEach((name, command) -> to.printf("  %-10s %s%n", name, command.summary()));
  }

  /** The Maven project version from the jar's manifest ({@code Implementation-Version}). */
  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "(unknown: not run from the built jar)" : version;
  }
}
