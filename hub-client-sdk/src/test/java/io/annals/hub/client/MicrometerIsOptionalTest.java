package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicrometerIsOptionalTest {

  @TempDir Path dir;

  @Test
  void a_producer_without_micrometer_on_its_classpath_publishes_and_delivers() throws Exception {
    try (FakeHub hub = new FakeHub()) {
      Path output = dir.resolve("producer.log");
      Process producer = ChildJvm.start(ChildJvm.classpathWithout("micrometer"), ProducerProcess.class, output,
          "plain", hub.url(), dir.resolve("spool").toString());

      assertThat(producer.waitFor(60, TimeUnit.SECONDS)).as("producer finished").isTrue();
      assertThat(producer.exitValue()).as(ChildJvm.output(output)).isZero();
      assertThat(hub.stored()).hasSize(3);
    }
  }
}
