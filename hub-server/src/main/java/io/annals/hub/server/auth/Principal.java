package io.annals.hub.server.auth;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who is calling: the name of the API key that authenticated the request, its role and, for a
 * producer, the {@code meta.service} names it may write. Never holds the key or its hash, so it
 * may be logged.
 *
 * @param name the key's name from the keys file: 1 to 100 letters, digits, {@code . _ -},
 *     starting with a letter or digit (it appears in logs and answers)
 * @param services for a {@link Role#PRODUCER} at least one service; for other roles none
 */
public record Principal(String name, Role role, Set<String> services) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Principal UNAUTHENTICATED = new Principal("anonymous", Role.ADMIN, Set.of());

  /** @throws IllegalArgumentException naming the field that breaks the rules above */
  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(services, "services");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name " + Quoting.quote(name) + " must be 1 to 100 letters, digits, '.', '_' or '-',"
          + " starting with a letter or digit");
    }
    for (String service : services) {
      if (service == null || service.isBlank() || !service.strip().equals(service)) {
        throw new IllegalArgumentException("services must be non-empty names without surrounding spaces, was: "
            + (service == null ? "null" : Quoting.quote(service)));
      }
    }
    if (role == Role.PRODUCER && services.isEmpty()) {
      throw new IllegalArgumentException("services must name at least one meta.service for role producer");
    }
    if (role != Role.PRODUCER && !services.isEmpty()) {
      throw new IllegalArgumentException("services apply only to role producer; role " + role.wireName()
          + " must have none");
    }
    // Sorted so that logs and messages are stable.
    services = Collections.unmodifiableSet(new TreeSet<>(services));
  }

  /**
   * The caller when authentication is off (no keys file): may do everything, like an admin. Only
   * {@link LoopbackRule} decides whether a hub may run that way.
   */
  public static Principal unauthenticated() {
    return UNAUTHENTICATED;
  }
}
