package io.annals.hub.server.http;

import io.annals.hub.server.auth.Operation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
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
 * are read once at start (a hub built without them fails to start, not on a request) and listed
 * here, so that no path can reach another resource of the jar.
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

  private final Map<String, byte[]> files;

  /** Reads the console's files from the jar. */
  public ConsoleRoutes() {
    Map<String, byte[]> read = new LinkedHashMap<>();
    FILES.keySet().forEach(name -> read.put(name, resource(name)));
    this.files = Map.copyOf(read);
  }

  @Override
  public void register(Javalin app) {
    app.get("/console", ctx -> send(ctx, "index.html"), Operation.CONSOLE);
    app.get("/console/{file}", ctx -> {
      String name = ctx.pathParam("file");
      if (!files.containsKey(name)) {
        throw new NotFoundResponse("the console has no file " + name + "; it is served at /console");
      }
      send(ctx, name);
    }, Operation.CONSOLE_FILE);
  }

  private void send(Context ctx, String name) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    // Small files, changed only by a new hub version: revalidated every time rather than stale.
    ctx.header("Cache-Control", "no-cache");
    ctx.status(200).contentType(FILES.get(name)).result(files.get(name));
  }

  private static byte[] resource(String name) {
    String path = RESOURCES + name;
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the classpath resource " + path + " is missing from the hub's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the classpath resource " + path, e);
    }
  }
}
