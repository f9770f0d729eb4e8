package io.annals.hub.client.internal.spool;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.client.SpoolFullException;
import io.annals.testsupport.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's limits at their exact edges, its waits, its closed state and its spool times, through
 * its public API. Written to kill mutants that survived {@link SpoolTest} (docs/mutation.md): each
 * limit is probed at the last size that fits and the first that does not.
 */
class SpoolBoundsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  /** Every body below is 10 bytes, so every record takes 26 bytes on disk. */
  private static final int FRAME = Frame.HEADER + 10;

  @TempDir Path dir;

  private final TestClock clock = new TestClock(T0);

  private Spool open(long maxBytes, long maxEvents, long segmentBytes) throws IOException {
    return Spool.open(dir, maxBytes, maxEvents, segmentBytes, clock);
  }

  private static byte[] body(int i) {
    return String.format("{\"n\":%04d}", i).getBytes(UTF_8);
  }

  private void appendAt(Spool spool, Instant at, int i) throws IOException {
    clock.set(at);
    spool.append(body(i));
  }

  private static List<Long> spooledAt(Spool spool) throws IOException {
    return spool.peek(100, Long.MAX_VALUE).stream().map(SpooledEvent::spooledAtMillis).toList();
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("segment-")).sorted().toList();
    }
  }

  @Test
  void limits_below_one_are_refused_naming_each_limit() {
    assertThatThrownBy(() -> open(0, 1, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes=0");
    assertThatThrownBy(() -> open(1, 0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEvents=0");
    assertThatThrownBy(() -> open(1, 1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segmentBytes=0");
  }

  @Test
  void limits_of_one_are_accepted() throws IOException {
    open(1, 1, 1).close();
  }

  @Test
  void a_record_exactly_as_large_as_the_spool_fits_and_one_byte_more_does_not() throws IOException {
    try (Spool spool = open(FRAME, 10, 1 << 20)) {
      assertThatThrownBy(() -> spool.append(new byte[11]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("an event of 11 bytes cannot be spooled: the limit is 10");
      assertThat(spool.append(body(1))).isZero();
      assertThat(spool.pendingEvents()).isEqualTo(1);
    }
  }

  @Test
  void an_empty_record_is_refused() throws IOException {
    try (Spool spool = open(1 << 20, 10, 1 << 20)) {
      assertThatThrownBy(() -> spool.append(new byte[0])).isInstanceOf(IllegalArgumentException.class);
      assertThat(spool.pendingEvents()).isZero();
    }
  }

  @Test
  void the_spool_fills_to_exactly_its_byte_limit_and_then_refuses() throws IOException {
    try (Spool spool = open(3L * FRAME, 100, 1 << 20)) {
      spool.appendAll(List.of(body(0), body(1)));
      spool.append(body(2));
      assertThatThrownBy(() -> spool.append(body(3)))
          .isInstanceOfSatisfying(SpoolFullException.class, full -> {
            assertThat(full.pendingEvents()).isEqualTo(3);
          });
      assertThat(spool.pendingEvents()).isEqualTo(3);
    }
  }

  @Test
  void the_spool_fills_to_exactly_its_event_limit_and_then_refuses() throws IOException {
    try (Spool spool = open(1 << 20, 3, 1 << 20)) {
      spool.appendAll(List.of(body(0), body(1), body(2)));
      assertThatThrownBy(() -> spool.append(body(3))).isInstanceOf(SpoolFullException.class);
      spool.ack(spool.peek(1, Long.MAX_VALUE));
      assertThat(spool.append(body(3))).isEqualTo(3);
    }
  }

  @Test
  void sequence_numbers_go_on_from_the_last_append() throws IOException {
    try (Spool spool = open(1 << 20, 100, 1 << 20)) {
      assertThat(spool.appendAll(List.of(body(0), body(1), body(2)))).isZero();
      assertThat(spool.append(body(3))).isEqualTo(3);
      assertThat(spool.appendAll(List.of(body(4), body(5)))).isEqualTo(4);
      assertThat(spool.peek(10, Long.MAX_VALUE)).extracting(SpooledEvent::seq).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }
  }

  @Test
  void records_that_exactly_fill_a_segment_stay_in_it_and_the_next_starts_a_new_one() throws IOException {
    try (Spool spool = open(1 << 20, 100, 2L * FRAME)) {
      spool.append(body(0));
      spool.append(body(1));
      assertThat(segmentFiles()).hasSize(1);
      spool.append(body(2));
      assertThat(segmentFiles()).extracting(p -> p.getFileName().toString())
          .containsExactly(Segment.fileName(0), Segment.fileName(2));
    }
  }

  @Test
  void a_peek_spanning_segments_stops_at_the_count_asked_for() throws IOException {
    try (Spool spool = open(1 << 20, 100, FRAME)) {
      for (int i = 0; i < 4; i++) {
        spool.append(body(i));
      }
      assertThat(segmentFiles()).hasSize(4);

      List<SpooledEvent> two = spool.peek(2, Long.MAX_VALUE);
      assertThat(two).extracting(SpooledEvent::seq).containsExactly(0L, 1L);
      spool.ack(two);
      assertThat(spool.peek(10, Long.MAX_VALUE)).extracting(SpooledEvent::seq).containsExactly(2L, 3L);
      assertThat(spool.pendingEvents()).isEqualTo(2);
    }
  }

  @Test
  void a_read_event_carries_its_size_on_disk_and_its_spool_time() throws IOException {
    try (Spool spool = open(1 << 20, 100, 1 << 20)) {
      spool.append(body(7));
      SpooledEvent event = spool.peek(1, Long.MAX_VALUE).get(0);
      assertThat(event.frameBytes()).isEqualTo(FRAME);
      assertThat(event.spooledAtMillis()).isEqualTo(T0.toEpochMilli());
      assertThat(new String(event.body(), UTF_8)).isEqualTo("{\"n\":0007}");
    }
  }

  @Test
  void spool_times_never_go_back_when_the_clock_does() throws IOException {
    try (Spool spool = open(1 << 20, 100, 1 << 20)) {
      appendAt(spool, T0, 0);
      appendAt(spool, T0.minusSeconds(60), 1);
      appendAt(spool, T0.plusSeconds(5), 2);

      assertThat(spooledAt(spool)).containsExactly(T0.toEpochMilli(), T0.toEpochMilli(), T0.plusSeconds(5).toEpochMilli());
    }
  }

  @Test
  void spool_times_and_the_oldest_age_survive_reopening() throws IOException {
    try (Spool spool = open(1 << 20, 100, 1 << 20)) {
      appendAt(spool, T0, 0);
      appendAt(spool, T0.plusSeconds(3), 1);
      spool.ack(spool.peek(1, Long.MAX_VALUE));
    }
    clock.set(T0.plusSeconds(7));
    try (Spool spool = open(1 << 20, 100, 1 << 20)) {
      assertThat(spool.oldestAge()).isEqualTo(Duration.ofSeconds(4));
      appendAt(spool, T0.minusSeconds(1), 2); // spooled at the last spool time, not the clock's earlier one
      assertThat(spooledAt(spool)).containsExactly(T0.plusSeconds(3).toEpochMilli(), T0.plusSeconds(3).toEpochMilli());
    }
  }

  @Test
  void reopening_counts_the_pending_bytes_so_the_byte_limit_still_holds() throws IOException {
    try (Spool spool = open(3L * FRAME, 100, 1 << 20)) {
      spool.appendAll(List.of(body(0), body(1), body(2)));
      spool.ack(spool.peek(1, Long.MAX_VALUE));
    }
    try (Spool spool = open(3L * FRAME, 100, 1 << 20)) {
      assertThat(spool.pendingEvents()).isEqualTo(2);
      spool.append(body(3));
      assertThatThrownBy(() -> spool.append(body(4))).isInstanceOf(SpoolFullException.class);
    }
  }

  @Test
  void waits_answer_at_once_when_already_satisfied_and_false_when_they_time_out() throws Exception {
    try (Spool spool = open(1 << 20, 100, 1 << 20)) {
      assertThat(spool.awaitDrained(Duration.ZERO)).isTrue();
      assertThat(spool.awaitPending(Duration.ZERO)).isFalse();
      spool.append(body(0));
      assertThat(spool.awaitPending(Duration.ZERO)).isTrue();
      assertThat(spool.awaitDrained(Duration.ZERO)).isFalse();
    }
  }

  @Test
  void a_closed_spool_refuses_appends_and_its_waits_return_false() throws Exception {
    Spool spool = open(1 << 20, 100, 1 << 20);
    spool.append(body(0));
    spool.close();
    spool.close(); // closing twice is harmless

    assertThatThrownBy(() -> spool.append(body(1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(spool.awaitPending(Duration.ofSeconds(5))).isFalse();
    assertThat(spool.awaitDrained(Duration.ofSeconds(5))).isFalse();
  }

  @Test
  void files_that_are_not_segments_are_left_alone_on_reopening() throws IOException {
    Files.writeString(dir.resolve("segment-abc.log"), "x");
    Files.writeString(dir.resolve("segment-00000000000000000001.txt"), "x");
    Files.writeString(dir.resolve("segment-1.log"), "x");
    Files.writeString(dir.resolve("segment-0000000000000000000x.log"), "x");
    try (Spool spool = open(1 << 20, 100, 1 << 20)) {
      assertThat(spool.append(body(0))).isZero();
      assertThat(spool.peek(10, Long.MAX_VALUE)).hasSize(1);
    }
    assertThat(dir.resolve("segment-abc.log")).exists();
    assertThat(dir.resolve("segment-1.log")).exists();
    assertThat(Segment.baseOf(dir.resolve("segment-0000000000000000000x.log"))).isEqualTo(-1);
    assertThat(Segment.baseOf(dir.resolve(Segment.fileName(42)))).isEqualTo(42);
  }

  @Test
  void a_byte_limited_peek_spanning_segments_stops_at_the_limit() throws IOException {
    try (Spool spool = open(1 << 20, 100, FRAME)) {
      for (int i = 0; i < 4; i++) {
        spool.append(body(i));
      }
      assertThat(spool.peek(10, 2L * FRAME)).extracting(SpooledEvent::seq).containsExactly(0L, 1L);
      assertThat(spool.peek(10, 3L * FRAME - 1)).extracting(SpooledEvent::seq).containsExactly(0L, 1L);
    }
  }

  @Test
  void acknowledged_bytes_make_room_again_under_the_byte_limit() throws IOException {
    try (Spool spool = open(2L * FRAME, 100, 1 << 20)) {
      spool.appendAll(List.of(body(0), body(1)));
      spool.ack(spool.peek(1, Long.MAX_VALUE));
      assertThat(spool.append(body(2))).isEqualTo(2);
      assertThatThrownBy(() -> spool.append(body(3))).isInstanceOf(SpoolFullException.class);
    }
  }

  @Test
  void closing_wakes_a_thread_waiting_for_events_and_leaves_the_spool_readable_from_other_threads() throws Exception {
    Spool spool = open(1 << 20, 100, 1 << 20);
    java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Boolean> waiter = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      waiting.countDown();
      try {
        return spool.awaitPending(Duration.ofDays(1));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    waiting.await();
    spool.close();

    // Without the wake-up on close this waits a day (pitest counts that as a kill by time-out).
    assertThat(waiter.get()).isFalse();
    assertThat(java.util.concurrent.CompletableFuture.supplyAsync(spool::pendingEvents).get()).isZero();
  }

  @Test
  void a_spool_that_cannot_be_recovered_releases_its_lock_so_the_next_open_fails_the_same_way() throws IOException {
    Files.createDirectories(dir.resolve(Segment.fileName(0))); // a directory where a segment file should be

    assertThatThrownBy(() -> open(1 << 20, 100, 1 << 20)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> open(1 << 20, 100, 1 << 20)).isInstanceOf(IOException.class);
  }

  @Test
  void a_list_larger_than_the_write_buffer_is_written_whole_and_in_order() throws IOException {
    byte[] big = filled(1536 * 1024, 'b');
    List<byte[]> list = List.of(body(0), big, body(1), filled(600 * 1024, 'c'), filled(600 * 1024, 'd'), body(2));
    try (Spool spool = open(64L << 20, 100, 64L << 20)) {
      spool.appendAll(list);
      assertThat(spool.peek(10, Long.MAX_VALUE)).extracting(SpooledEvent::body).containsExactlyElementsOf(list);
    }
    try (Spool spool = open(64L << 20, 100, 64L << 20)) { // every frame intact on disk
      assertThat(spool.peek(10, Long.MAX_VALUE)).extracting(SpooledEvent::body).containsExactlyElementsOf(list);
    }
  }

  private static byte[] filled(int length, char c) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) c);
    return bytes;
  }

  @Test
  void a_segment_emptied_while_it_was_the_tail_is_deleted_once_a_newer_one_exists() throws IOException {
    try (Spool spool = open(1 << 20, 100, 2L * FRAME)) {
      spool.appendAll(List.of(body(0), body(1)));
      spool.ack(spool.peek(10, Long.MAX_VALUE)); // the only segment: kept as the tail
      spool.append(body(2)); // rolls to a new segment
      assertThat(segmentFiles()).hasSize(2);

      assertThat(spool.peek(10, Long.MAX_VALUE)).extracting(SpooledEvent::seq).containsExactly(2L);
      assertThat(segmentFiles()).extracting(p -> p.getFileName().toString()).containsExactly(Segment.fileName(2));
    }
  }
}
