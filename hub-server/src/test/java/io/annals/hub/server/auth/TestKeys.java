package io.annals.hub.server.auth;

import java.nio.charset.StandardCharsets;

/** Keys and a keys document for tests: one key per role, the producer bound to billing. */
final class TestKeys {

  static final String PRODUCER_KEY = "producer-key-2FJ9x0aQ7vB3mN8cT1dL5rK4sW6yZ2e";
  static final String READER_KEY = "reader-key-8HdV3nP0qR7tY2uI4oL6kJ9gF1sA5zX";
  static final String ADMIN_KEY = "admin-key-5TgB2yH7uJ4iK9oL1pQ3wE6rT8yU0iO";

  static final String JSON = """
      {"keys": [
        {"name": "billing-prod", "sha256": "%s", "role": "producer", "services": ["billing", "invoicing"]},
        {"name": "reports", "sha256": "%s", "role": "reader"},
        {"name": "ops", "sha256": "%s", "role": "admin", "services": []}
      ]}
      """.formatted(ApiKeys.sha256Hex(PRODUCER_KEY), ApiKeys.sha256Hex(READER_KEY), ApiKeys.sha256Hex(ADMIN_KEY));

  private TestKeys() {}

  static ApiKeys keys() {
    return ApiKeys.parse(JSON.getBytes(StandardCharsets.UTF_8), "test keys");
  }

  /** A document holding only {@code entry}, e.g. to check one validation rule. */
  static byte[] document(String... entries) {
    return ("{\"keys\": [" + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
  }
}
