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
import java.util.function.UnaryOperator;

/**
 * A fixed set of static files from the class path, read once at start (a hub built without one
 * fails to start, not on a request), served as a page at {@code path} and its files at {@code
 * path/{file}} under one Content-Security-Policy; any other name is a 404, so no path reaches
 * another resource of the jar. Used by the console ({@link ConsoleRoutes}) and Swagger UI ({@link
 * DocsRoutes}).
 */
final class StaticFiles {

  private final String path;
  private final String what;
  private final String policy;
  private final Map<String, String> types;
  private final Map<String, byte[]> files;

  /**
   * Reads each file named in {@code types} (name to content type, one of them index.html) from the
   * classpath resource {@code location} gives for its name.
   */
  StaticFiles(String path, String what, String policy, Map<String, String> types, UnaryOperator<String> location) {
    this.path = path;
    this.what = what;
    this.policy = policy;
    this.types = Map.copyOf(types);
    Map<String, byte[]> read = new LinkedHashMap<>();
    types.keySet().forEach(name -> read.put(name, resource(location.apply(name))));
    this.files = Map.copyOf(read);
  }

  void register(Javalin app, Operation page, Operation file) {
    app.get(path, ctx -> send(ctx, "index.html"), page);
    app.get(path + "/{file}", ctx -> {
      String name = ctx.pathParam("file");
      if (!files.containsKey(name)) {
        throw new NotFoundResponse(what + " has no file " + name + "; it is served at " + path);
      }
      send(ctx, name);
    }, file);
  }

  private void send(Context ctx, String name) {
    ctx.header("Content-Security-Policy", policy);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    // Changed only by a new hub version: revalidated every time rather than stale.
    ctx.header("Cache-Control", "no-cache");
    ctx.status(200).contentType(types.get(name)).result(files.get(name));
  }

  /** The bytes of the classpath resource {@code path}; fails (the hub's start) when it is missing. */
  static byte[] resource(String path) {
    try (InputStream in = StaticFiles.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the classpath resource " + path + " is missing from the hub's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the classpath resource " + path, e);
    }
  }
}
