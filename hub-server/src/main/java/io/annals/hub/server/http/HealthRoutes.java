package io.annals.hub.server.http;

import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.store.StoreUnavailableException;
import io.javalin.Javalin;

/** {@code /health/live}, {@code /health/ready} (the store answers) and {@code /metrics}. */
public final class HealthRoutes implements Routes {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  @Override
  public void register(Javalin app, HubServices s) {
    app.get("/health/live", ctx -> ctx.json(java.util.Map.of("status", "live")), Operation.HEALTH_LIVE);
    app.get("/health/ready", ctx -> {
      try {
        s.store().ping();
        ctx.json(java.util.Map.of("status", "ready"));
      } catch (StoreUnavailableException e) {
        Problem.send(ctx, s.json(), StoreProblems.of(s.json(), e, "Not ready", "the event store does not answer"),
            ErrorMapping.STORE_RETRY_AFTER_SECONDS);
      }
    }, Operation.HEALTH_READY);
    app.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(s.metrics().scrape()), Operation.METRICS);
  }
}
