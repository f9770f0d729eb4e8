package io.annals.hub.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The real hub ({@code io.annals.hub.server.Main}, embedded store) as a child JVM. */
final class HubProcess implements AutoCloseable {

  final int port;
  final Path log;
  private final Process process;

  private HubProcess(int port, Path log, Process process) {
    this.port = port;
    this.log = log;
    this.process = process;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Starts the hub on {@code port} with its data in {@code dataDir} and waits until {@code /health/ready} answers 200. */
  static HubProcess start(int port, Path dataDir, Path log) throws Exception {
    Process process = ChildJvm.start(ChildJvm.classpath(), io.annals.hub.server.Main.class, log,
        "--port", Integer.toString(port), "--data-dir", dataDir.toString());
    HubProcess hub = new HubProcess(port, log, process);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("hub exited with " + process.exitValue() + ": " + ChildJvm.output(log));
      }
      try {
        HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create(hub.url() + "/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return hub;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(200);
    }
    hub.close();
    throw new IllegalStateException("hub not ready within 90 s: " + ChildJvm.output(log));
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
