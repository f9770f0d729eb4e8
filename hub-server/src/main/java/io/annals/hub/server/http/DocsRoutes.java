package io.annals.hub.server.http;

import io.annals.hub.server.auth.Operation;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /docs} (Swagger UI showing {@code /openapi.json}) and {@code GET /docs/{file}} (its
 * files): our page and init script from {@code src/main/resources/docs/}, Swagger UI itself from the
 * {@code org.webjars:swagger-ui} WebJar on the class path, so the page works offline (no CDN). Open
 * without a key like the OpenAPI document it shows: the page holds no data of its own.
 *
 * <p>Only the files listed here are reachable ({@link StaticFiles}: read once at start, so a hub
 * built without the WebJar fails to start, not on a request). The policy lets scripts come only
 * from the hub, without eval; it allows data: images (Swagger UI's CSS icons need them) and inline
 * styles (a margin for views the browser test does not open; docs/decisions.md).
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

  private final StaticFiles files;

  /** Reads our files and the WebJar's from the class path. */
  public DocsRoutes() {
    String webjar = "/META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
    Map<String, String> types = new HashMap<>(OURS);
    types.putAll(WEBJAR);
    this.files = new StaticFiles("/docs", "Swagger UI", CONTENT_SECURITY_POLICY, types,
        name -> (OURS.containsKey(name) ? RESOURCES : webjar) + name);
  }

  @Override
  public void register(Javalin app) {
    files.register(app, Operation.DOCS, Operation.DOCS_FILE);
  }

  /** The WebJar's version, from its own pom.properties, so that upgrading it is a pom edit alone. */
  static String webjarVersion() {
    Properties pom = new Properties();
    try {
      pom.load(new StringReader(new String(StaticFiles.resource(WEBJAR_POM), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + WEBJAR_POM, e);
    }
    String version = pom.getProperty("version");
    if (version == null || version.isBlank()) {
      throw new IllegalStateException(WEBJAR_POM + " names no version");
    }
    return version.strip();
  }
}
