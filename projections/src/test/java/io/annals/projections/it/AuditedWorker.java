package io.annals.projections.it;

import io.annals.hub.client.FeedReader;
import io.annals.projections.cli.Cli;
import io.annals.projections.reports.eventsdaily.EventsDaily;
import io.annals.projections.reports.paymentsdaily.PaymentsDaily;
import io.annals.projections.runtime.FeedSource;
import java.util.List;

/** The worker CLI with the audit projection beside the built-in reports; run as a child JVM by the tests. */
public final class AuditedWorker {

  private AuditedWorker() {}

  public static void main(String[] args) {
    String worker = "unnamed";
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--worker-id")) {
        worker = args[i + 1];
      }
    }
    Cli cli = new Cli(List.of(new PaymentsDaily(), new EventsDaily(), new AuditProjection(worker)),
        options -> FeedSource.of(FeedReader.of(options.hub(), options.apiKey())));
    System.exit(cli.run(args, System.out, System.err));
  }
}
