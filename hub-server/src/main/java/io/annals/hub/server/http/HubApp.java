package io.annals.hub.server.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;

/**
 * Builds the hub's Javalin app from wired services and route groups, not yet started: Main starts
 * it on the configured address, tests on port 0. Every route group gets the same error mapping,
 * request metrics and access check: each route must be tagged with its
 * {@link io.annals.hub.server.auth.Operation} ({@code app.get(path, handler, Operation.FEED)}), or
 * nobody may call it.
 */
public final class HubApp {

  /** How long a stop waits for requests in flight; longer than a request may wait for the store. */
  static final Duration GRACE_MARGIN = Duration.ofSeconds(5);

  private HubApp() {}

  /** A new app serving {@code routes} over {@code services}; start it with {@code start(host, port)}. */
  public static Javalin create(HubServices services, List<Routes> routes) {
    long stopTimeout = services.config().ingest().maxWait().plus(GRACE_MARGIN).toMillis();
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
      // We read bodies as streams with our own limit; this bound covers any use of ctx.body().
      config.http.maxRequestSize = services.config().ingest().maxBodyBytes();
      // Jetty's graceful stop: refuse new connections, let requests in flight finish, then stop.
      config.jetty.modifyServer(server -> server.setStopTimeout(stopTimeout));
      JettyProblems.configure(config, services);
      config.requestLogger.http((ctx, ms) -> services.metrics().httpRequest(
          ctx.method().name(), route(ctx), ctx.statusCode(), (long) (ms * 1_000_000L)));
    });
    ErrorMapping.register(app, services.json(), services.config().ingest().maxBodyBytes());
    AccessFilter.register(app, services);
    for (Routes r : routes) {
      r.register(app);
    }
    return app;
  }

  /** The route template that matched, so that metrics never carry raw paths (ids) as labels. */
  private static String route(Context ctx) {
    try {
      String template = ctx.endpointHandlerPath();
      return template == null || template.isEmpty() || template.equals("*") ? "unmatched" : template;
    } catch (IllegalStateException e) {
      // Javalin refuses when no endpoint matched (a 404 for an unknown path).
      return "unmatched";
    }
  }
}
