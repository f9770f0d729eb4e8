package io.annals.hub.server.http;

import io.annals.hub.server.auth.Operation;
import io.javalin.Javalin;
import java.util.Map;

/**
 * {@code GET /console} (the console's page) and {@code GET /console/{file}} (its script, style
 * sheet and icon): static files from the jar ({@code src/main/resources/console/}), open without a
 * key like the OpenAPI document, because the page itself holds no data; it asks for a key and reads
 * everything through the API with it (docs/console.md).
 *
 * <p>Every answer carries a strict Content-Security-Policy: scripts, styles and connections only
 * from the hub itself, no inline script or style, no eval, no framing; event data is rendered as
 * text by the script, and the policy is the second line of defence if that ever failed. The files
 * are read once at start and listed here ({@link StaticFiles}), so that no path can reach another
 * resource of the jar.
 */
public final class ConsoleRoutes implements Routes {

  /** The classpath folder of the console's files. */
  public static final String RESOURCES = "/console/";

  /** The policy of every console answer (docs/console.md). */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";

  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8",
      "console.css", "text/css; charset=utf-8",
      "icon.svg", "image/svg+xml");

  private final StaticFiles files = new StaticFiles("/console", "the console", CONTENT_SECURITY_POLICY, FILES,
      name -> RESOURCES + name);

  @Override
  public void register(Javalin app) {
    files.register(app, Operation.CONSOLE, Operation.CONSOLE_FILE);
  }
}
