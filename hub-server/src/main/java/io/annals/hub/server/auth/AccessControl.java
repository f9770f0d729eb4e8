package io.annals.hub.server.auth;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The one check every request passes before its handler: authenticate the bearer key, take one
 * request from the caller's budget, then authorise the operation. Open operations (health) skip
 * all three and carry no principal. Without keys (authentication off) every caller is {@link Principal#unauthenticated()}
 * and budgeted per remote address. Thread-safe; never logs.
 *
 * <p>Order matters: a request with no key, a malformed header or an unknown key is budgeted per
 * remote address, so guessing keys is as slow as any anonymous traffic; a known key is budgeted
 * per key whatever it asks for, so one key's flood never spends another's budget.
 */
public final class AccessControl {

  private final ApiKeys keys; // null when authentication is off
  private final RateLimiter limiter;

  private AccessControl(ApiKeys keys, RateLimiter limiter) {
    this.keys = keys;
    this.limiter = limiter;
  }

  /** Authentication on: every request except health needs a key from {@code keys}. */
  public static AccessControl withKeys(ApiKeys keys, Rate rate) {
    return withKeys(keys, rate, System::nanoTime);
  }

  /** As {@link #withKeys(ApiKeys, Rate)}, on the monotonic clock {@code nanoTime}. */
  public static AccessControl withKeys(ApiKeys keys, Rate rate, LongSupplier nanoTime) {
    Objects.requireNonNull(keys, "keys");
    List<String> names = keys.principals().stream().map(Principal::name).toList();
    return new AccessControl(keys, new RateLimiter(rate, names, RateLimiter.DEFAULT_MAX_ADDRESSES, nanoTime));
  }

  /**
   * Authentication off: every caller may do everything. Only for a start-up that
   * {@link LoopbackRule#decide} allowed with {@code authenticationOn == false}.
   */
  public static AccessControl withoutKeys(Rate rate) {
    return withoutKeys(rate, System::nanoTime);
  }

  public static AccessControl withoutKeys(Rate rate, LongSupplier nanoTime) {
    return new AccessControl(null, new RateLimiter(rate, List.of(), RateLimiter.DEFAULT_MAX_ADDRESSES, nanoTime));
  }

  public boolean authenticationOn() {
    return keys != null;
  }

  /**
   * Decides one request.
   *
   * @param authorization the {@code Authorization} header as received, or null
   * @param remoteAddress the peer's address ({@code ctx.ip()}, never a forwarded-for header)
   */
  public AccessDecision check(Operation operation, String authorization, String remoteAddress) {
    Objects.requireNonNull(operation, "operation");
    if (Authorizer.isOpen(operation)) {
      return new AccessDecision.Open();
    }
    if (keys == null) {
      RateLimiter.Result budget = limiter.acquireForAddress(remoteAddress);
      return budget.allowed() ? new AccessDecision.Allowed(Principal.unauthenticated())
          : rateLimited("caller " + remoteAddress, budget);
    }
    Optional<String> key = bearer(authorization);
    Optional<Principal> principal = key.flatMap(keys::lookup);
    if (principal.isEmpty()) {
      RateLimiter.Result budget = limiter.acquireForAddress(remoteAddress);
      if (!budget.allowed()) {
        return rateLimited("caller " + remoteAddress + " without a valid API key", budget);
      }
      String detail = authorization == null ? "missing header Authorization: Bearer <key>"
          : key.isEmpty() ? "the Authorization header must be \"Bearer <key>\""
          : "unknown API key";
      return new AccessDecision.Denied(AccessDecision.Reason.UNAUTHENTICATED, detail, 0);
    }
    Principal caller = principal.get();
    RateLimiter.Result budget = limiter.acquireForKey(caller.name());
    if (!budget.allowed()) {
      return rateLimited("API key \"" + caller.name() + "\"", budget);
    }
    if (!Authorizer.allows(caller, operation)) {
      return new AccessDecision.Denied(AccessDecision.Reason.FORBIDDEN, "API key \"" + caller.name() + "\" (role "
          + caller.role().wireName() + ") may not call " + operation + "; roles allowed: "
          + Authorizer.rolesFor(operation).stream().sorted().map(Role::wireName).toList(), 0);
    }
    return new AccessDecision.Allowed(caller);
  }

  private AccessDecision rateLimited(String who, RateLimiter.Result budget) {
    return new AccessDecision.Denied(AccessDecision.Reason.RATE_LIMITED, who + " is over its budget of "
        + limiter.rate() + "; retry after " + budget.retryAfterSeconds() + " s", budget.retryAfterSeconds());
  }

  /** The token of {@code Bearer <token>} (scheme case-insensitive, RFC 9110), or empty. */
  static Optional<String> bearer(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String header = authorization.strip();
    int space = header.indexOf(' ');
    if (space < 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
      return Optional.empty();
    }
    String token = header.substring(space + 1).strip();
    if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      return Optional.empty();
    }
    return Optional.of(token);
  }
}
