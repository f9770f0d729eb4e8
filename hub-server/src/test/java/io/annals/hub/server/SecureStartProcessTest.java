package io.annals.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.annals.testsupport.HubProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Main in a child JVM: without keys it serves only loopback unless explicitly opted in, a
 * keys file it cannot use stops it, and with keys it never prints a key it was sent.
 */
class SecureStartProcessTest {

  @TempDir Path dir;

  @Test
  void without_keys_a_bind_beyond_loopback_stops_start_up_with_one_line_and_exit_code_2() throws Exception {
    HubProcess hub = fromEnvironment().port(HubProcess.PORT_FROM_ENVIRONMENT)
        .env(Map.of("HUB_BIND", "0.0.0.0", "HUB_PORT", "0", "HUB_DATA_DIR", dir.toString())).launch();

    assertThat(hub.awaitExit()).isEqualTo(2);
    assertThat(hub.output()).hasSize(1);
    assertThat(hub.output().get(0)).contains("refusing to start", "\"0.0.0.0\"", "HUB_API_KEYS_FILE",
        "--allow-unauthenticated");
  }

  @Test
  void the_explicit_opt_in_starts_it_beyond_loopback_with_a_loud_warning() throws Exception {
    try (HubProcess hub = fromEnvironment().env(Map.of("HUB_BIND", "0.0.0.0", "HUB_DATA_DIR", dir.toString()))
        .args("--allow-unauthenticated").start()) {
      int port = hub.port();

      assertThat(get(port, "/metrics", null).statusCode()).isEqualTo(200);
      assertThat(String.join("\n", hub.output())).contains("AUTHENTICATION IS OFF ON A NETWORK ADDRESS")
          .contains("authentication OFF");
    }
  }

  @Test
  void on_loopback_without_keys_it_starts_and_says_that_authentication_is_off() throws Exception {
    try (HubProcess hub = HubProcess.startIn(dir)) {
      assertThat(get(hub.port(), "/metrics", null).statusCode()).isEqualTo(200);
      assertThat(String.join("\n", hub.output())).contains("WARNING: AUTHENTICATION IS OFF");
    }
  }

  @Test
  void a_keys_file_it_cannot_use_stops_start_up_with_one_line_naming_the_entry_and_exit_code_2() throws Exception {
    Path keys = Files.writeString(dir.resolve("keys.json"),
        "{\"keys\": [{\"name\": \"billing\", \"sha256\": \"" + TestApiKeys.PRODUCER + "\", \"role\": \"producer\","
            + " \"services\": [\"billing\"]}]}");

    HubProcess hub = fromEnvironment().env(Map.of("HUB_API_KEYS_FILE", keys.toString(), "HUB_DATA_DIR", dir.toString()))
        .launch();

    assertThat(hub.awaitExit()).isEqualTo(2);
    assertThat(hub.output()).hasSize(1);
    assertThat(hub.output().get(0)).contains("HUB_API_KEYS_FILE", "keys[0] (\"billing\")", "sha256")
        .doesNotContain(TestApiKeys.PRODUCER);
  }

  @Test
  void a_missing_keys_file_stops_start_up_too() throws Exception {
    HubProcess hub = fromEnvironment().env(Map.of("HUB_API_KEYS_FILE", dir.resolve("nope.json").toString(),
        "HUB_DATA_DIR", dir.toString())).launch();

    assertThat(hub.awaitExit()).isEqualTo(2);
    assertThat(hub.output().get(0)).contains("does not exist");
  }

  @Test
  void with_keys_it_serves_beyond_loopback_and_never_prints_a_key_it_was_sent() throws Exception {
    Path keys = TestApiKeys.write(Files.createDirectories(dir.resolve("keys")));
    try (HubProcess hub = HubProcess.builder(dir.resolve("hub.log")).bind("0.0.0.0")
        .env(Map.of("HUB_API_KEYS_FILE", keys.toString(), "HUB_DATA_DIR", dir.resolve("data").toString())).start()) {
      int port = hub.port();

      assertThat(get(port, "/metrics", TestApiKeys.WRONG).statusCode()).isEqualTo(401);
      assertThat(get(port, "/metrics", TestApiKeys.PRODUCER).statusCode()).isEqualTo(403);
      assertThat(get(port, "/metrics", TestApiKeys.READER).statusCode()).isEqualTo(200);
      assertThat(get(port, "/events/not-a-uuid", TestApiKeys.ADMIN).statusCode()).isEqualTo(404);

      hub.terminate();
      hub.awaitExit();
      String output = String.join("\n", hub.output());
      assertThat(output).contains("API keys from", "100 requests/s (burst 200) per key")
          .doesNotContain("AUTHENTICATION IS OFF");
      for (String key : new String[] {TestApiKeys.WRONG, TestApiKeys.PRODUCER, TestApiKeys.READER, TestApiKeys.ADMIN}) {
        assertThat(output).doesNotContain(key);
      }
    }
  }

  /** A hub with no --bind flag: the environment decides where it listens (its --port is 0 unless told otherwise). */
  private HubProcess.Builder fromEnvironment() {
    return HubProcess.builder(dir.resolve("hub.log")).bind(null);
  }

  private static HttpResponse<String> get(int port, String path, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
    if (key != null) {
      request.header("Authorization", TestApiKeys.bearer(key));
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
