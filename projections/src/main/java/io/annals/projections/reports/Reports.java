package io.annals.projections.reports;

import io.annals.projections.reports.eventsdaily.EventsDaily;
import io.annals.projections.reports.paymentsdaily.PaymentsDaily;
import io.annals.projections.runtime.Projection;
import java.util.List;

/** The report projections that ship with the worker. */
public final class Reports {

  private Reports() {}

  /** {@code payments-daily} and {@code events-daily}. */
  public static List<Projection> builtIn() {
    return List.of(new PaymentsDaily(), new EventsDaily());
  }
}
