package io.annals.hub.server.http;

import io.annals.hub.server.auth.Operation;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of the HTTP API, served as committed in
 * {@code src/main/resources/openapi.json}. Open to everyone like the health probes: it is what
 * clients are generated from, and it tells nothing about the stored events. {@code OpenApiDocumentTest}
 * checks real answers of every endpoint against it, so it cannot drift from the code.
 */
public final class OpenApiRoutes implements Routes {

  /** The classpath resource holding the document. */
  public static final String RESOURCE = "/openapi.json";

  @Override
  public void register(Javalin app) {
    byte[] document = document();
    app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(document), Operation.OPENAPI);
  }

  /** The document's bytes; a hub built without it is broken, so this fails at start-up, not on a request. */
  static byte[] document() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the classpath resource " + RESOURCE + " is missing from the hub's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the classpath resource " + RESOURCE, e);
    }
  }
}
