package io.annals.hub.server;

import io.annals.hub.server.auth.ApiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A keys file for tests of a real hub: two producers (billing + invoicing, and shipping), two
 * readers and an admin. The keys are constants so that tests can send them; the file holds only
 * their hashes, as a real one does.
 */
public final class TestApiKeys {

  /** Producer {@code billing-producer}, bound to billing and invoicing. */
  public static final String PRODUCER = "test-producer-Qm3v9XhT2bLk7rW1zYp4sN8dF6gJ0aEc";
  /** Producer {@code shipping-producer}, bound to shipping. */
  public static final String OTHER_PRODUCER = "test-producer-Hc5nR2wK8pZ1mV7tB4xL9qJ3sD6fG0yU";
  /** Reader {@code reports}. */
  public static final String READER = "test-reader-Tz8kP3vN6qW1mB9xC4rL7sJ2dH5fG0aY";
  /** Reader {@code dashboards}. */
  public static final String OTHER_READER = "test-reader-Lw2jF7sK4pN9qV1tX6bZ3mC8dR5hG0eU";
  /** Admin {@code ops}. */
  public static final String ADMIN = "test-admin-Vb6nM1qK9pW3tZ7xC2rL5sJ8dH4fG0yA";
  /** Not in the file: shaped like a key, known to nobody. */
  public static final String WRONG = "test-wrong-Ab1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uVwX";

  private TestApiKeys() {}

  /** The keys document. */
  public static String json() {
    return """
        {"keys": [
          {"name": "billing-producer", "sha256": "%s", "role": "producer", "services": ["billing", "invoicing"]},
          {"name": "shipping-producer", "sha256": "%s", "role": "producer", "services": ["shipping"]},
          {"name": "reports", "sha256": "%s", "role": "reader"},
          {"name": "dashboards", "sha256": "%s", "role": "reader"},
          {"name": "ops", "sha256": "%s", "role": "admin"}
        ]}
        """.formatted(ApiKeys.sha256Hex(PRODUCER), ApiKeys.sha256Hex(OTHER_PRODUCER), ApiKeys.sha256Hex(READER),
        ApiKeys.sha256Hex(OTHER_READER), ApiKeys.sha256Hex(ADMIN));
  }

  /** Writes the keys file into {@code dir} and returns its path. */
  public static Path write(Path dir) {
    try {
      return Files.writeString(dir.resolve("api-keys.json"), json());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code Authorization} header value for {@code key}. */
  public static String bearer(String key) {
    return "Bearer " + key;
  }
}
