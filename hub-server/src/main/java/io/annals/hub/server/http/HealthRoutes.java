package io.annals.hub.server.http;

import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.metrics.HubMetrics;
import io.annals.hub.server.store.StoreHealth;
import io.annals.hub.server.store.StoreUnavailableException;
import io.javalin.Javalin;

/** {@code /health/live}, {@code /health/ready} (the store answers; with details such as the ledger's) and {@code /metrics}. */
public final class HealthRoutes implements Routes {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final StoreHealth store;
  private final HubMetrics metrics;
  private final EventJson json;
  private final java.util.Map<String, java.util.function.Supplier<Object>> details;

  /** Ready when {@code store} answers; {@code /metrics} scrapes {@code metrics}. */
  public HealthRoutes(StoreHealth store, HubMetrics metrics, EventJson json) {
    this(store, metrics, json, java.util.Map.of());
  }

  /**
   * As {@link #HealthRoutes(StoreHealth, HubMetrics, EventJson)}, the ready answer carrying each
   * of {@code details} (name to a detail made per request, e.g. the ledger's); they do not decide readiness.
   */
  public HealthRoutes(StoreHealth store, HubMetrics metrics, EventJson json,
      java.util.Map<String, java.util.function.Supplier<Object>> details) {
    this.store = store;
    this.metrics = metrics;
    this.json = json;
    this.details = java.util.Map.copyOf(details);
  }

  @Override
  public void register(Javalin app) {
    app.get("/health/live", ctx -> ctx.json(java.util.Map.of("status", "live")), Operation.HEALTH_LIVE);
    app.get("/health/ready", ctx -> {
      try {
        store.ping();
        java.util.Map<String, Object> ready = new java.util.LinkedHashMap<>();
        ready.put("status", "ready");
        details.forEach((name, detail) -> ready.put(name, detail.get()));
        ctx.json(ready);
      } catch (StoreUnavailableException e) {
        Problem.send(ctx, json, StoreProblems.of(json, e, "Not ready", "the event store does not answer"),
            ErrorMapping.STORE_RETRY_AFTER_SECONDS);
      }
    }, Operation.HEALTH_READY);
    app.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()), Operation.METRICS);
  }
}
