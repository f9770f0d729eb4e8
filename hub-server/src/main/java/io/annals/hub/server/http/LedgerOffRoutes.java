package io.annals.hub.server.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/**
 * The {@code /ledger} endpoints of a hub whose ledger is off ({@code HUB_LEDGER=off}): each answers
 * 404 problem+json saying so, rather than a bare "not found" that reads as a wrong URL. Registered
 * with the same operations as {@link LedgerRoutes}, so that access control treats both alike.
 */
public final class LedgerOffRoutes implements Routes {

  private final EventJson json;

  public LedgerOffRoutes(EventJson json) {
    this.json = json;
  }

  @Override
  public void register(Javalin app) {
    LedgerRoutes.register(app, this::off, this::off, this::off, this::off, this::off);
  }

  private void off(Context ctx) {
    Problem.send(ctx, json, Problem.of(json, 404, "ledger-off", "The ledger is off",
        "this hub keeps no ledger (HUB_LEDGER=off / --ledger off): no digests or proofs to give", List.of()), 0);
  }
}
