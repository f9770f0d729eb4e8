package io.annals.hub.server.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
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
}
