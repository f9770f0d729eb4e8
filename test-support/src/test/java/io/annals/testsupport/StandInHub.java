package io.annals.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A main class in the hub's place, for testing the harness without the hub's module (which
 * depends on this one): it takes {@code --port} and {@code --data-dir}, answers
 * {@code /health/ready} with 200 once a file {@code ready} exists in its data dir (503 before),
 * logs the hub's "listening on" line, and counts its starts in {@code starts} in the data dir.
 */
public final class StandInHub {

  private StandInHub() {}

  public static void main(String[] args) throws Exception {
    List<String> flags = List.of(args);
    int port = Integer.parseInt(flags.get(flags.indexOf("--port") + 1));
    Path data = Path.of(flags.get(flags.indexOf("--data-dir") + 1));
    Files.createDirectories(data);
    Path starts = data.resolve("starts");
    Files.writeString(starts, (Files.exists(starts) ? Files.readString(starts) : "") + "start\n");
    if (flags.contains("--fail")) {
      System.out.println("refusing to start: --fail");
      System.exit(2);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/health/ready", exchange -> {
      exchange.sendResponseHeaders(Files.exists(data.resolve("ready")) ? 200 : 503, -1);
      exchange.close();
    });
    server.start();
    System.out.println("annals hub listening on 127.0.0.1:" + server.getAddress().getPort() + " env="
        + System.getenv("STAND_IN"));
  }
}
