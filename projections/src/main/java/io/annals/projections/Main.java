package io.annals.projections;

import io.annals.hub.client.FeedReader;
import io.annals.projections.cli.Cli;
import io.annals.projections.reports.Reports;
import io.annals.projections.runtime.FeedSource;

/** The projections worker CLI: wires the built-in reports to the hub's feed. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--version")) {
      String version = Main.class.getPackage().getImplementationVersion();
      System.out.println("projections " + (version == null ? "(unknown: not run from the built jar)" : version));
      return;
    }
    Cli cli = new Cli(Reports.builtIn(),
        options -> FeedSource.of(FeedReader.of(options.hub(), options.apiKey())), System.getenv());
    System.exit(cli.run(args, System.out, System.err));
  }
}
