package io.annals.ops;

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
    if (args.length == 0 || !commands.containsKey(args[0])) {
      System.err.println("usage: annals-ops <command> [options]");
      commands.forEach((name, command) -> System.err.printf("  %-10s %s%n", name, command.summary()));
      System.exit(args.length == 0 ? 2 : 64);
    }
    System.exit(commands.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length)));
  }
}
