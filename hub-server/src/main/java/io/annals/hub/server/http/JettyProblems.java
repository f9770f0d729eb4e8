package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HTTP layer answers on its own, outside the routes and their {@link ErrorMapping}: Jetty's
 * parse and dispatch errors ({@link ProblemErrorHandler}), a {@link java.lang.Error} escaping a
 * handler (Javalin answers it with an empty 500), and the deadline for a request's headers
 * ({@link HeaderDeadline}) on the hub's one connector.
 */
final class JettyProblems {

  private static final Logger LOG = LoggerFactory.getLogger(JettyProblems.class);

  private JettyProblems() {}

  static void configure(JavalinConfig config, HubServices services) {
    ProblemErrorHandler errors = new ProblemErrorHandler(services.json());
    config.jetty.modifyServer(server -> server.setErrorHandler(errors));
    config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(errors));
    // The connector Javalin would add, with the header deadline: host and port as Main gives them to start().
    config.jetty.addConnector((server, http) -> {
      ServerConnector connector = new ServerConnector(server,
          new HeaderDeadline(http, services.config().http().headerTimeout()));
      connector.setHost(services.config().bind());
      connector.setPort(services.config().port());
      return connector;
    });
    // Javalin's hook for Errors is Kotlin-internal (hence the name); without it an OutOfMemoryError is an empty 500.
    config.router.setJavaLangErrorHandler$javalin((response, error) -> {
      LOG.error("error while serving a request", error);
      send(response, errors.problem(500, null), services.json());
    });
  }

  private static void send(HttpServletResponse response, ObjectNode problem, EventJson json) {
    if (response.isCommitted()) {
      return; // part of an answer is on its way: nothing more can be said
    }
    try {
      byte[] body = json.bytes(problem);
      response.resetBuffer();
      response.setStatus(500);
      response.setContentType(Problem.CONTENT_TYPE);
      response.setHeader("Retry-After", Integer.toString(ProblemErrorHandler.RETRY_AFTER_SECONDS));
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    } catch (IOException | IllegalStateException e) {
      // The client is gone, or the response cannot take a body any more: nothing to answer to.
    }
  }
}
