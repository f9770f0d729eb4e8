package io.annals.hub.server.http;

import io.annals.hub.server.auth.Operation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /docs} (Swagger UI showing {@code /openapi.json}) and {@code GET /docs/{file}} (its
 * files): our page and init script from {@code src/main/resources/docs/}, Swagger UI itself from the
 * {@code org.webjars:swagger-ui} WebJar on the class path, so the page works offline (no CDN). Open
 * without a key like the OpenAPI document it shows: the page holds no data of its own.
 *
 * <p>Only the files listed here are reachable (read once at start: a hub built without the WebJar
 * fails to start, not on a request). The policy is the console's minus two things Swagger UI needs:
 * inline styles (React sets style attributes) and data: images (its icons); scripts stay 'self'
 * only, without eval.
 */
public final class DocsRoutes implements Routes {

  /** The classpath folder of our own files (the page and the script that starts Swagger UI). */
  public static final String RESOURCES = "/docs/";

  /** The WebJar's Maven coordinates file, which names the version its files are under. */
  static final String WEBJAR_POM = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";

  /** The policy of every answer under /docs. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

  private static final Map<String, String> OURS = Map.of(
      "index.html", "text/html; charset=utf-8",
      "docs.js", "text/javascript; charset=utf-8");

  private static final Map<String, String> WEBJAR = Map.of(
      "swagger-ui.css", "text/css; charset=utf-8",
      "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
      "favicon-16x16.png", "image/png",
      "favicon-32x32.png", "image/png");

  private final Map<String, byte[]> files;

  /** Reads our files and the WebJar's from the class path. */
  public DocsRoutes() {
    String webjar = "/META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
    Map<String, byte[]> read = new LinkedHashMap<>();
    OURS.keySet().forEach(name -> read.put(name, read(RESOURCES + name)));
    WEBJAR.keySet().forEach(name -> read.put(name, read(webjar + name)));
    this.files = Map.copyOf(read);
  }

  @Override
  public void register(Javalin app) {
    app.get("/docs", ctx -> send(ctx, "index.html"), Operation.DOCS);
    app.get("/docs/{file}", ctx -> {
      String name = ctx.pathParam("file");
      if (!files.containsKey(name)) {
        throw new NotFoundResponse("the docs have no file " + name + "; Swagger UI is served at /docs");
      }
      send(ctx, name);
    }, Operation.DOCS_FILE);
  }

  private void send(Context ctx, String name) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    // Changed only by a new hub version (or WebJar): revalidated every time rather than stale.
    ctx.header("Cache-Control", "no-cache");
    String type = OURS.containsKey(name) ? OURS.get(name) : WEBJAR.get(name);
    ctx.status(200).contentType(type).result(files.get(name));
  }

  /** The WebJar's version, from its own pom.properties, so that upgrading it is a pom edit alone. */
  static String webjarVersion() {
    Properties pom = new Properties();
    try {
      pom.load(new StringReader(new String(read(WEBJAR_POM), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + WEBJAR_POM, e);
    }
    String version = pom.getProperty("version");
    if (version == null || version.isBlank()) {
      throw new IllegalStateException(WEBJAR_POM + " names no version");
    }
    return version.strip();
  }

  private static byte[] read(String path) {
    try (InputStream in = DocsRoutes.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the classpath resource " + path + " is missing from the hub's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the classpath resource " + path, e);
    }
  }
}
