package io.annals.hub.server.http;

import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.StoreHealth;
import io.annals.hub.server.store.StoreUnavailableException;
import io.javalin.Javalin;

/** {@code /health/live}, {@code /health/ready} (the store answers) and {@code /metrics}. */
public final class HealthRoutes implements Routes {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final StoreHealth store;
  private final HubMetrics metrics;
  private final EventJson json;

  /** Ready when {@code store} answers; {@code /metrics} scrapes {@code metrics}. */
  public HealthRoutes(StoreHealth store, HubMetrics metrics, EventJson json) {
    this.store = store;
    this.metrics = metrics;
    this.json = json;
  }

  @Override
  public void register(Javalin app) {
    app.get("/health/live", ctx -> ctx.json(java.util.Map.of("status", "live")), Operation.HEALTH_LIVE);
    app.get("/health/ready", ctx -> {
      try {
        store.ping();
        ctx.json(java.util.Map.of("status", "ready"));
      } catch (StoreUnavailableException e) {
        Problem.send(ctx, json, StoreProblems.of(json, e, "Not ready", "the event store does not answer"),
            ErrorMapping.STORE_RETRY_AFTER_SECONDS);
      }
    }, Operation.HEALTH_READY);
    app.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()), Operation.METRICS);
  }
}
