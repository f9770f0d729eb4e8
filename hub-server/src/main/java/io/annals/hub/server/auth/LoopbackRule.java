package io.annals.hub.server.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Whether the hub may start with the authentication it has: with a keys file always; without one
 * only on a loopback address, or anywhere after an explicit opt-in
 * ({@code HUB_ALLOW_UNAUTHENTICATED} / {@code --allow-unauthenticated}). Without keys the hub
 * says so loudly. A pure function: it never resolves a host name, so any name other than
 * {@code localhost} counts as reachable from outside.
 */
public final class LoopbackRule {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private LoopbackRule() {}

  /**
   * The start-up verdict.
   *
   * @param allowed false: start-up must stop and print {@code line} as the error
   * @param authenticationOn true when requests must carry a key from the keys file
   * @param line the line to log: an error when not allowed, a loud warning when authentication is
   *     off or the opt-in is ignored, else null
   */
  public record Verdict(boolean allowed, boolean authenticationOn, String line) {}

  /**
   * Decides start-up from the bind address ({@code HUB_BIND}), whether a keys file is configured
   * ({@code HUB_API_KEYS_FILE}) and the opt-in flag.
   */
  public static Verdict decide(String bind, boolean keysFileConfigured, boolean allowUnauthenticated) {
    Objects.requireNonNull(bind, "bind");
    if (keysFileConfigured) {
      return new Verdict(true, true, allowUnauthenticated
          ? "WARNING: HUB_ALLOW_UNAUTHENTICATED / --allow-unauthenticated is ignored: HUB_API_KEYS_FILE is set,"
              + " so every request needs an API key"
          : null);
    }
    if (isLoopback(bind)) {
      return new Verdict(true, false, "WARNING: AUTHENTICATION IS OFF: no HUB_API_KEYS_FILE is set, so any program"
          + " on this machine may write and read every event. Listening on loopback (" + bind + ") only."
          + " Make keys with 'annals-ops keygen' and set HUB_API_KEYS_FILE before exposing the hub.");
    }
    if (allowUnauthenticated) {
      return new Verdict(true, false, "WARNING: AUTHENTICATION IS OFF ON A NETWORK ADDRESS: no HUB_API_KEYS_FILE"
          + " is set and HUB_ALLOW_UNAUTHENTICATED is on, so anyone who can reach " + bind
          + " may write and read every event. Make keys with 'annals-ops keygen' and set HUB_API_KEYS_FILE.");
    }
    return new Verdict(false, false, "refusing to start: HUB_BIND / --bind = \"" + bind + "\" is not a loopback"
        + " address and no HUB_API_KEYS_FILE / --api-keys-file is set, so anyone who can reach the hub could"
        + " write and read every event; expected a keys file (make keys with 'annals-ops keygen'), a loopback"
        + " bind such as 127.0.0.1, or the explicit opt-in HUB_ALLOW_UNAUTHENTICATED=true / --allow-unauthenticated");
  }

  /**
   * True when {@code bind} can only be reached from this machine: {@code localhost}, 127.0.0.0/8,
   * {@code ::1} (with or without brackets or a zone). The wildcard ({@code 0.0.0.0}, {@code ::})
   * and every other name or address are not.
   */
  public static boolean isLoopback(String bind) {
    String host = bind.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    if (host.equals("localhost")) {
      return true;
    }
    if (IPV4.matcher(host).matches()) {
      String[] octets = host.split("\\.");
      for (String octet : octets) {
        // A leading zero reads as octal to some resolvers: ambiguous, so not trusted as loopback.
        if (Integer.parseInt(octet) > 255 || (octet.length() > 1 && octet.startsWith("0"))) {
          return false;
        }
      }
      return octets[0].equals("127");
    }
    if (!host.contains(":")) {
      return false; // a host name: only localhost is known to be loopback without resolving it
    }
    // InetAddress parses a literal with a colon as IPv6 and never looks it up by name.
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
