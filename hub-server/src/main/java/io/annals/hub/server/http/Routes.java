package io.annals.hub.server.http;

import io.javalin.Javalin;

/** A group of endpoints; {@link HubApp#create} registers each group on the app. */
@FunctionalInterface
public interface Routes {

  /**
   * Adds endpoints to {@code app}. Handlers signal failures by throwing: RequestRejectedException,
   * StoreUnavailableException and Javalin's HttpResponseException become problem details.
   */
  void register(Javalin app, HubServices services);
}
