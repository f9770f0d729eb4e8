package io.annals.hub.client;

import io.annals.testsupport.FakeHub;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that drive a client against a {@link FakeHub}: a fresh hub and spool
 * directory per test, and a builder already pointed at both.
 */
abstract class AgainstFakeHub {

  @TempDir Path spool;
  FakeHub hub;

  @BeforeEach
  void start_hub() throws Exception {
    hub = new FakeHub();
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  /** A builder for service {@code billing} on this test's hub and spool. */
  AnnalsClientBuilder clientOfBilling() {
    return AnnalsClient.builder().hubUrl(hub.url()).service("billing").spoolDirectory(spool);
  }
}
