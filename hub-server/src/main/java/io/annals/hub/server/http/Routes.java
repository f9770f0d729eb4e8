package io.annals.hub.server.http;

import io.javalin.Javalin;

/**
 * A group of endpoints; {@link HubApp#create} registers each group on the app. A group is built
 * with exactly the services its handlers use (the hub's wiring hands them over).
 */
@FunctionalInterface
public interface Routes {

  /**
   * Adds endpoints to {@code app}. Handlers signal failures by throwing: RequestRejectedException,
   * StoreUnavailableException and Javalin's HttpResponseException become problem details.
   */
  void register(Javalin app);
}
