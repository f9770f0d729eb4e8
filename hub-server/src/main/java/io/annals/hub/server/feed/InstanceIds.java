package io.annals.hub.server.feed;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Names hub instances for the watermark table: {@code pid@host/random}, new at every start (pids are reused). */
public final class InstanceIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HOST = host();

  private InstanceIds() {}

  /** A new instance id, unique with overwhelming probability. */
  public static String next() {
    byte[] random = new byte[6];
    RANDOM.nextBytes(random);
    return ProcessHandle.current().pid() + "@" + HOST + "/" + HexFormat.of().formatHex(random);
  }

  private static String host() {
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    if (!host.isBlank()) {
      return host;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown-host";
    }
  }
}
