package io.annals.projections.reports;

import io.annals.hub.client.FeedReader;
import io.annals.projections.reports.eventsdaily.EventsDaily;
import io.annals.projections.reports.paymentsdaily.PaymentsDaily;
import io.annals.projections.runtime.CatchUpResult;
import io.annals.projections.runtime.FeedSource;
import io.annals.projections.runtime.Projection;
import io.annals.projections.runtime.ProjectionRuntime;
import io.annals.projections.runtime.RuntimeConfig;
import io.annals.projections.sql.Database;
import java.util.List;

/** The report projections that ship with the worker. */
public final class Reports {

  private Reports() {}

  /** {@code payments-daily} and {@code events-daily}. */
  public static List<Projection> builtIn() {
    return List.of(new PaymentsDaily(), new EventsDaily());
  }

  /**
   * Catches built-in projection {@code name} up from the hub at {@code hubUrl} into the database
   * at {@code jdbcUrl} (pages of {@code batchSize} events) and returns the events applied and the
   * time taken: the measurement of the ops {@code bench} command. On a fresh database this is a
   * full catch-up from the start of the feed.
   */
  public static CatchUpResult catchUp(String hubUrl, String apiKey, String jdbcUrl, String name, int batchSize) {
    Projection projection = builtIn().stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown projection " + name
            + " (known: " + builtIn().stream().map(Projection::name).toList() + ")"));
    try (ProjectionRuntime runtime = ProjectionRuntime.builder(Database.open(jdbcUrl),
            FeedSource.of(FeedReader.of(hubUrl, apiKey)))
        .projection(projection)
        .config(RuntimeConfig.defaults().withBatchSize(batchSize))
        .build()) {
      return runtime.catchUp(name);
    }
  }
}
