package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.ChildJvm;
import io.annals.testsupport.FakeHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicrometerIsOptionalTest {

  @TempDir Path dir;

  @Test
  void a_producer_without_micrometer_on_its_classpath_publishes_and_delivers() throws Exception {
    try (FakeHub hub = new FakeHub()) {
      Path output = dir.resolve("producer.log");
      ChildJvm producer = ChildJvm.builder(ProducerProcess.class.getName(), output)
          .classpath(ChildJvm.classpathWithout("micrometer"))
          .args(List.of("plain", hub.url(), dir.resolve("spool").toString())).start();

      assertThat(producer.waitFor(Duration.ofSeconds(60))).as(ChildJvm.logTail(output, 40)).isZero();
      assertThat(hub.stored()).hasSize(3);
    }
  }
}
