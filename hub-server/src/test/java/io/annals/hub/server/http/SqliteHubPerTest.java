package io.annals.hub.server.http;

import io.annals.hub.server.TestHub;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh in-process hub on SQLite for each test, and the one read the CloudEvents tests share. */
abstract class SqliteHubPerTest {

  @TempDir Path dir;
  TestHub hub;

  @BeforeEach
  void start_hub() {
    hub = TestHub.sqlite(dir);
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  /** GET {@code path} with {@code Accept}, the body as bytes. */
  HttpResponse<byte[]> getAs(String path, String accept) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(hub.uri(path)).header("Accept", accept).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
