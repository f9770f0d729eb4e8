package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.FakeHub;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicrometerIsOptionalTest {

  @TempDir Path dir;

  @Test
  void a_producer_without_micrometer_on_its_classpath_publishes_and_delivers() throws Exception {
    try (FakeHub hub = new FakeHub()) {
      assertThat(ProducerProcess.runPlainWithout("micrometer", "io.micrometer.core.instrument.MeterRegistry", hub.url(), dir))
          .isZero();
      assertThat(hub.stored()).hasSize(3);
    }
  }
}
