package io.annals.hub.server.http;

import io.annals.hub.server.auth.AccessDecision;
import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.auth.Principal;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate before every matched endpoint: reads the route's {@link Operation} from its route roles,
 * asks {@link io.annals.hub.server.auth.AccessControl} and either lets the request through (with
 * its {@link Principal} as a context attribute) or answers the denial as problem details: 401 with
 * {@code WWW-Authenticate}, 403, or 429 with {@code Retry-After}. Fails closed: a route tagged with
 * no operation, or with several, is refused to everyone. Never logs the {@code Authorization} header.
 */
final class AccessFilter {

  private static final Logger LOG = LoggerFactory.getLogger(AccessFilter.class);
  private static final String PRINCIPAL = "annals.principal";

  private AccessFilter() {}

  static void register(Javalin app, HubServices services) {
    app.beforeMatched(ctx -> check(ctx, services));
  }

  /**
   * The caller of an authorised request. Throws for an open operation (health), which has none, so
   * a handler that needs a caller cannot run without one.
   */
  static Principal principal(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    if (principal == null) {
      throw new IllegalStateException("no principal on " + ctx.method() + " " + ctx.path()
          + "; is the route tagged with an operation that needs a key?");
    }
    return principal;
  }

  private static void check(Context ctx, HubServices s) {
    Operation operation = operation(ctx.routeRoles());
    if (operation == null) {
      LOG.error("refused {} {}: the route is not tagged with exactly one io.annals.hub.server.auth.Operation",
          ctx.method(), ctx.endpointHandlerPath());
      deny(ctx, s, new AccessDecision.Denied(AccessDecision.Reason.FORBIDDEN,
          "this endpoint has no access rule, so nobody may call it", 0));
      return;
    }
    AccessDecision decision = s.access().check(operation, ctx.header("Authorization"), ctx.ip());
    if (decision instanceof AccessDecision.Allowed allowed) {
      ctx.attribute(PRINCIPAL, allowed.principal());
    } else if (decision instanceof AccessDecision.Denied denied) {
      deny(ctx, s, denied);
    }
  }

  /** The one operation among the route's roles; null for none or several. A loop: it runs on every request (issue 29). */
  private static Operation operation(Set<RouteRole> roles) {
    Operation found = null;
    for (RouteRole role : roles) {
      if (role instanceof Operation operation) {
        if (found != null) {
          return null;
        }
        found = operation;
      }
    }
    return found;
  }

  private static void deny(Context ctx, HubServices s, AccessDecision.Denied denied) {
    s.metrics().authDenied(denied.reason().name().toLowerCase(Locale.ROOT));
    denied.headers().forEach(ctx::header);
    // The body of a denied request is never read: UnreadBody keeps a streamed one from being drained.
    UnreadBody.answer(ctx, s.json(), Problem.of(s.json(), denied.status(), slug(denied.reason()), denied.title(),
        denied.detail(), List.of()), 0, s.config().ingest().maxBodyBytes());
    ctx.skipRemainingHandlers();
  }

  private static String slug(AccessDecision.Reason reason) {
    return switch (reason) {
      case UNAUTHENTICATED -> "unauthorized";
      case FORBIDDEN -> "forbidden";
      case RATE_LIMITED -> "rate-limited";
    };
  }
}
