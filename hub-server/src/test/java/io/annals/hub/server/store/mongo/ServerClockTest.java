package io.annals.hub.server.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoTimeoutException;
import io.annals.hub.server.Await;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class ServerClockTest {

  private static final Instant SENT = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void the_server_is_assumed_to_read_its_clock_half_way_through_the_round_trip() {
    // Given a hello sent at SENT, answered 10 ms later, with a server time 1 h + 5 ms after SENT
    Instant answered = SENT.plusMillis(10);
    Instant serverTime = SENT.plusSeconds(3600).plusMillis(5);

    // Then the server is exactly one hour ahead
    assertThat(ServerClock.offsetMicros(SENT, answered, serverTime)).isEqualTo(3_600_000_000L);
    assertThat(ServerClock.offsetMicros(SENT, answered, SENT.minusMillis(995))).isEqualTo(-1_000_000L);
  }

  @Test
  void the_server_time_is_the_local_time_of_the_hello_answer_when_there_is_one() {
    assertThat(ServerClock.serverTime(new Document("localTime", Date.from(SENT)))).contains(SENT);
    assertThat(ServerClock.serverTime(new Document("ok", 1.0))).isEmpty();
  }

  @Test
  void each_refresh_measures_the_offset_again_and_a_failing_one_keeps_the_last() throws Exception {
    // A server an hour ahead of a local clock that stands still; then two hours ahead; then unreachable
    Clock local = Clock.fixed(SENT, ZoneOffset.UTC);
    AtomicReference<Supplier<Document>> hello = new AtomicReference<>(
        () -> new Document("localTime", Date.from(SENT.plusSeconds(3600))));
    try (ServerClock clock = new ServerClock(local, () -> hello.get().get(), Duration.ofMillis(5))) {
      assertThat(clock.now()).isEqualTo(SENT.plusSeconds(3600));
      assertThat(clock.followsServer()).isTrue();

      hello.set(() -> new Document("localTime", Date.from(SENT.plusSeconds(7200))));
      Await.until("a refresh measures the new offset", () -> clock.now().equals(SENT.plusSeconds(7200)));

      hello.set(() -> {
        throw new MongoTimeoutException("no server");
      });
      Thread.sleep(50); // several refresh periods, each failing
      assertThat(clock.now()).as("the last offset kept").isEqualTo(SENT.plusSeconds(7200));
      assertThat(clock.followsServer()).isTrue();
    }
  }
}
