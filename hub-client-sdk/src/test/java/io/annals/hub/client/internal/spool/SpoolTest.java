package io.annals.hub.client.internal.spool;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.client.SpoolFullException;
import io.annals.testsupport.TestClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC);
  private static final long MB = 1 << 20;
  /** A segment size that holds two of the small test events. */
  private static final long TWO_EVENTS = 2 * (Frame.HEADER + 7) + 2;

  @TempDir Path dir;

  /** What recovery handed to the damage sink of {@link #openRecording}. */
  final List<SpoolDamage> damage = new ArrayList<>();

  private Spool open(long segmentBytes) throws IOException {
    return Spool.open(dir, 64 * MB, 1_000_000, segmentBytes, CLOCK);
  }

  /** Appends events 0 to {@code count - 1} to a spool and closes it. */
  private void appendAndClose(int count, long segmentBytes) throws IOException {
    try (Spool spool = open(segmentBytes)) {
      for (int i = 0; i < count; i++) {
        spool.append(event(i));
      }
    }
  }

  private Spool openRecording(long segmentBytes) throws IOException {
    return Spool.open(dir, 64 * MB, 1_000_000, segmentBytes, CLOCK, damage::addAll);
  }

  private static byte[] event(int i) {
    return ("{\"n\":" + i + "}").getBytes(UTF_8);
  }

  private static List<String> bodies(List<SpooledEvent> events) {
    return events.stream().map(e -> new String(e.body(), UTF_8)).toList();
  }

  private static List<String> expected(int from, int toExclusive) {
    List<String> list = new ArrayList<>();
    for (int i = from; i < toExclusive; i++) {
      list.add(new String(event(i), UTF_8));
    }
    return list;
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> Segment.baseOf(f) >= 0).sorted().toList();
    }
  }

  @Nested
  class Append_and_ack {

    @Test
    void appended_events_are_read_in_order_and_gone_once_acknowledged() throws IOException {
      try (Spool spool = open(MB)) {
        for (int i = 0; i < 5; i++) {
          assertThat(spool.append(event(i))).isEqualTo(i);
        }
        List<SpooledEvent> first = spool.peek(3, MB);
        assertThat(bodies(first)).isEqualTo(expected(0, 3));
        assertThat(bodies(spool.peek(3, MB))).as("peek does not remove").isEqualTo(expected(0, 3));

        spool.ack(first);

        assertThat(bodies(spool.peek(10, MB))).isEqualTo(expected(3, 5));
        assertThat(spool.pendingEvents()).isEqualTo(2);
      }
    }

    @Test
    void acknowledging_anything_but_the_oldest_events_is_refused() throws IOException {
      try (Spool spool = open(MB)) {
        spool.append(event(0));
        spool.append(event(1));
        List<SpooledEvent> both = spool.peek(2, MB);

        assertThatThrownBy(() -> spool.ack(both.subList(1, 2)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("head 0");
      }
    }

    @Test
    void peek_stops_at_the_byte_limit_but_always_returns_one_event() throws IOException {
      try (Spool spool = open(MB)) {
        byte[] big = "x".repeat(1000).getBytes(UTF_8);
        spool.append(big);
        spool.append(big);

        assertThat(spool.peek(10, 100)).hasSize(1);
        assertThat(spool.peek(10, 2 * (1000 + Frame.HEADER))).hasSize(2);
      }
    }

    @Test
    void unacknowledged_events_survive_reopening_and_acknowledged_ones_do_not() throws IOException {
      try (Spool spool = open(MB)) {
        for (int i = 0; i < 10; i++) {
          spool.append(event(i));
        }
        spool.ack(spool.peek(4, MB));
      }
      try (Spool spool = open(MB)) {
        assertThat(spool.pendingEvents()).isEqualTo(6);
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(4, 10));
        assertThat(spool.append(event(10))).as("numbering goes on").isEqualTo(10);
      }
    }

    @Test
    void events_span_segments_and_fully_acknowledged_segments_are_deleted() throws IOException {
      try (Spool spool = open(TWO_EVENTS)) { // about two events per segment
        for (int i = 0; i < 10; i++) {
          spool.append(event(i));
        }
        assertThat(segmentFiles()).hasSize(5);
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(0, 10));

        spool.ack(spool.peek(5, MB));

        assertThat(segmentFiles()).hasSize(3);
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(5, 10));
      }
      try (Spool spool = open(TWO_EVENTS)) {
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(5, 10));
      }
    }

    @Test
    void concurrent_publishers_each_land_exactly_once() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try (Spool spool = open(4096)) {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          futures.add(pool.submit(() -> {
            for (int i = 0; i < 100; i++) {
              spool.append(event(thread * 1000 + i));
            }
            return null;
          }));
        }
        for (Future<?> future : futures) {
          future.get();
        }
        List<String> read = bodies(spool.peek(10_000, 64 * MB));
        List<String> all = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          all.addAll(expected(t * 1000, t * 1000 + 100));
        }
        assertThat(read).hasSize(800).containsExactlyInAnyOrderElementsOf(all);
      } finally {
        pool.shutdown();
      }
    }
    @Test
    void a_list_is_appended_in_order_under_consecutive_sequence_numbers_in_one_segment() throws IOException {
      try (Spool spool = open(200)) {
        spool.append(event(0));
        List<byte[]> list = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
          list.add(event(i));
        }

        assertThat(spool.appendAll(list)).isEqualTo(1);

        assertThat(spool.append(event(21))).isEqualTo(21);
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(0, 22));
        assertThat(segmentFiles()).as("the list, larger than a segment, starts one and stays whole in it")
            .extracting(f -> Segment.baseOf(f)).containsExactly(0L, 1L, 21L);
      }
      try (Spool reopened = open(200)) {
        assertThat(bodies(reopened.peek(100, MB))).isEqualTo(expected(0, 22));
      }
    }
  }

  @Nested
  class Bounds {

    @Test
    void a_full_spool_refuses_at_once_by_event_count_and_accepts_again_after_delivery() throws IOException {
      try (Spool spool = Spool.open(dir, MB, 3, MB, CLOCK)) {
        for (int i = 0; i < 3; i++) {
          spool.append(event(i));
        }

        assertThatThrownBy(() -> spool.append(event(3)))
            .isInstanceOf(SpoolFullException.class)
            .hasMessageContaining("is full: 3 events")
            .hasMessageContaining("limits 3 events");
        assertThat(spool.pendingEvents()).isEqualTo(3);

        spool.ack(spool.peek(1, MB));
        assertThat(spool.append(event(3))).isEqualTo(3);
      }
    }

    @Test
    void a_list_that_does_not_all_fit_is_refused_whole() throws IOException {
      try (Spool spool = Spool.open(dir, MB, 5, MB, CLOCK)) {
        spool.append(event(0));
        spool.append(event(1));

        assertThatThrownBy(() -> spool.appendAll(List.of(event(2), event(3), event(4), event(5))))
            .isInstanceOf(SpoolFullException.class)
            .hasMessageContaining("4 events");
        assertThat(spool.pendingEvents()).isEqualTo(2);
        assertThat(spool.appendAll(List.of(event(2), event(3), event(4)))).isEqualTo(2);
        assertThat(bodies(spool.peek(10, MB))).isEqualTo(expected(0, 5));
        assertThatThrownBy(() -> spool.appendAll(List.of())).isInstanceOf(IllegalArgumentException.class);
      }
    }

    @Test
    void a_full_spool_refuses_by_bytes() throws IOException {
      byte[] body = "y".repeat(68).getBytes(UTF_8); // 100 bytes framed
      try (Spool spool = Spool.open(dir, 250, 1000, MB, CLOCK)) {
        spool.append(body);
        spool.append(body);

        SpoolFullException full = org.junit.jupiter.api.Assertions.assertThrows(
            SpoolFullException.class, () -> spool.append(body));
        assertThat(full.pendingBytes()).isEqualTo(200);
        assertThatThrownBy(() -> spool.append(new byte[300]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300 bytes");
      }
    }
  }

  @Nested
  class Crash_recovery {

    @Test
    void a_torn_last_record_is_cut_and_the_intact_ones_are_kept() throws IOException {
      appendAndClose(3, MB);
      Path segment = segmentFiles().get(0);
      long intact = Files.size(segment);
      byte[] torn = Frame.encode(3, 0, event(99));
      Files.write(segment, java.util.Arrays.copyOf(torn, torn.length - 3),
          java.nio.file.StandardOpenOption.APPEND);

      try (Spool spool = openRecording(MB)) {
        assertThat(Files.size(segment)).isEqualTo(intact);
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(0, 3));
        spool.append(event(3));
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(0, 4));
      }
      assertThat(damage).as("a torn write is not damage").isEmpty();
    }

    @Test
    void a_damaged_record_in_the_middle_is_dead_lettered_and_every_record_after_it_kept() throws IOException {
      appendAndClose(4, MB);
      int frame = Frame.encode(0, 0, event(0)).length;
      flipByte(segmentFiles().get(0), 2L * frame + Frame.HEADER + 2); // inside the third record's body

      try (Spool spool = openRecording(MB)) {
        assertThat(bodies(spool.peek(100, MB))).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":3}");
        assertThat(spool.pendingEvents()).isEqualTo(3);
        spool.ack(spool.peek(100, MB));
        assertThat(spool.append(event(4))).as("numbering goes on after the kept records").isEqualTo(4);
      }
      assertThat(damage).singleElement().satisfies(d -> {
        assertThat(d.offset()).isEqualTo(2L * frame);
        assertThat(d.bytes()).hasSize(frame);
        assertThat(d.firstSeq()).isEqualTo(2);
        assertThat(d.lastSeq()).isEqualTo(2);
        assertThat(d.reason()).contains("body CRC mismatch");
      });
    }

    @Test
    void a_damaged_header_is_skipped_by_finding_the_next_sync_marker() throws IOException {
      appendAndClose(5, MB);
      int frame = Frame.encode(0, 0, event(0)).length;
      flipByte(segmentFiles().get(0), frame + 5); // the second record's length

      try (Spool spool = openRecording(MB)) {
        assertThat(bodies(spool.peek(100, MB)))
            .containsExactly("{\"n\":0}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
      }
      assertThat(damage).singleElement().satisfies(d -> {
        assertThat(d.offset()).isEqualTo(frame);
        assertThat(d.firstSeq()).isEqualTo(1);
        assertThat(d.lastSeq()).isEqualTo(1);
        assertThat(d.reason()).contains("no intact record header");
      });
    }

    @Test
    void a_flipped_byte_in_the_very_last_record_is_damage_not_a_torn_write() throws IOException {
      appendAndClose(3, MB);
      int frame = Frame.encode(0, 0, event(0)).length;
      flipByte(segmentFiles().get(0), 2L * frame + Frame.HEADER + 1);

      try (Spool spool = openRecording(MB)) {
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(0, 2));
      }
      assertThat(damage).singleElement().satisfies(d -> assertThat(d.firstSeq()).isEqualTo(2));
    }

    @Test
    void damage_inside_an_older_segment_costs_only_the_record_it_touched() throws IOException {
      appendAndClose(6, TWO_EVENTS);
      int frame = Frame.encode(0, 0, event(0)).length;
      flipByte(segmentFiles().get(1), Frame.HEADER + 1); // event 2
      assertThat(segmentFiles()).hasSize(3);

      try (Spool spool = openRecording(TWO_EVENTS)) {
        assertThat(bodies(spool.peek(100, MB))).containsExactly(
            "{\"n\":0}", "{\"n\":1}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}");
        spool.ack(spool.peek(3, MB));
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(4, 6));
      }
      assertThat(damage).singleElement().satisfies(d -> {
        assertThat(d.file().getFileName().toString()).isEqualTo(Segment.fileName(2));
        assertThat(d.bytes()).hasSize(frame);
        assertThat(d.firstSeq()).isEqualTo(2);
      });
      try (Spool spool = openRecording(TWO_EVENTS)) {
        assertThat(bodies(spool.peek(100, MB))).as("the repair is durable").isEqualTo(expected(4, 6));
      }
      assertThat(damage).as("reported once").hasSize(1);
    }

    @Test
    void damage_the_sink_cannot_record_keeps_the_spool_closed_and_its_bytes_in_place() throws IOException {
      appendAndClose(3, MB);
      Path segment = segmentFiles().get(0);
      flipByte(segment, Frame.HEADER + 1);
      byte[] before = Files.readAllBytes(segment);

      assertThatThrownBy(() -> Spool.open(dir, 64 * MB, 1_000_000, MB, CLOCK, d -> {
        throw new IOException("disk full");
      })).isInstanceOf(IOException.class).hasMessage("disk full");
      assertThat(Files.readAllBytes(segment)).isEqualTo(before);
    }

    @Test
    void a_damaged_ack_file_replays_from_the_oldest_segment_instead_of_losing_events() throws IOException {
      try (Spool spool = open(MB)) {
        for (int i = 0; i < 4; i++) {
          spool.append(event(i));
        }
        spool.ack(spool.peek(2, MB));
      }
      flipByte(dir.resolve(AckFile.NAME), 3);

      try (Spool spool = open(MB)) {
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(0, 4));
      }
    }

    @Test
    void damage_in_acknowledged_records_is_not_dead_lettered_and_numbering_goes_on() throws IOException {
      try (Spool spool = open(MB)) {
        for (int i = 0; i < 3; i++) {
          spool.append(event(i));
        }
        spool.ack(spool.peek(3, MB));
      }
      Path segment = segmentFiles().get(0);
      int frame = Frame.encode(0, 0, event(0)).length;
      flipByte(segment, frame + Frame.HEADER); // acknowledged event 1 is now damaged

      try (Spool spool = openRecording(MB)) {
        assertThat(spool.pendingEvents()).isZero();
        assertThat(spool.append(event(3))).isEqualTo(3);
        assertThat(bodies(spool.peek(100, MB))).containsExactly("{\"n\":3}");
      }
      assertThat(damage).as("delivered already: nothing lost").isEmpty();
    }

    @Test
    void a_crash_in_the_middle_of_a_repair_repeats_it_without_duplicating_records() throws IOException {
      appendAndClose(5, MB);
      Path segment = segmentFiles().get(0);
      int frame = Frame.encode(0, 0, event(0)).length;
      flipByte(segment, 2L * frame + 5); // record 2's header
      byte[] damaged = Files.readAllBytes(segment);
      try (Spool spool = openRecording(MB)) {
        assertThat(segmentFiles()).extracting(f -> Segment.baseOf(f)).containsExactly(0L, 3L);
      }
      // As if the crash came after the piece of records 3-4 was written, before the original was replaced.
      Files.write(segment, damaged);

      try (Spool spool = openRecording(MB)) {
        assertThat(bodies(spool.peek(100, MB)))
            .containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":3}", "{\"n\":4}");
        assertThat(spool.append(event(5))).isEqualTo(5);
      }
      assertThat(damage).as("the repeated repair reports the damage again").hasSize(2)
          .allSatisfy(d -> assertThat(d.firstSeq()).isEqualTo(2));
    }

    @Test
    void damage_while_the_spool_is_open_fails_the_read_naming_the_file_and_reopening_repairs_it() throws IOException {
      int frame = Frame.encode(0, 0, event(0)).length;
      try (Spool spool = open(MB)) {
        for (int i = 0; i < 3; i++) {
          spool.append(event(i));
        }
        flipByte(segmentFiles().get(0), frame + Frame.HEADER + 1);

        assertThatThrownBy(() -> spool.peek(100, MB)).isInstanceOf(IOException.class)
            .hasMessageContaining("damaged record 1").hasMessageContaining(Segment.fileName(0));
      }
      try (Spool spool = openRecording(MB)) {
        assertThat(bodies(spool.peek(100, MB))).containsExactly("{\"n\":0}", "{\"n\":2}");
      }
      assertThat(damage).singleElement().satisfies(d -> assertThat(d.firstSeq()).isEqualTo(1));
    }

    @Test
    void a_leftover_temporary_file_of_a_repair_is_deleted() throws IOException {
      try (Spool spool = open(MB)) {
        spool.append(event(0));
      }
      Path leftover = dir.resolve(Segment.fileName(7) + ".tmp");
      Files.write(leftover, new byte[] {1, 2, 3});

      try (Spool spool = openRecording(MB)) {
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(0, 1));
      }
      assertThat(leftover).doesNotExist();
    }
  }

  /** Spools written before format 2 (no sync marker, no sequence number in the frame) are read after the upgrade. */
  @Nested
  class Format_1_spools {

    private byte[] v1Frame(long spooledAt, byte[] body) {
      java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(16 + body.length);
      frame.putInt(8 + body.length).putInt(0).putLong(spooledAt).put(body);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(frame.array(), 0, 4);
      crc.update(frame.array(), 8, 8 + body.length);
      frame.putInt(4, (int) crc.getValue());
      return frame.array();
    }

    /** A format-1 spool as the old code left it: segments 0-2, 3-5, 6-8, records 0-3 acknowledged. */
    private void writeFormat1Spool() throws IOException {
      for (int base = 0; base < 9; base += 3) {
        java.io.ByteArrayOutputStream segment = new java.io.ByteArrayOutputStream();
        for (int i = base; i < base + 3; i++) {
          segment.write(v1Frame(1_000 + i, event(i)));
        }
        Files.write(dir.resolve(Segment.fileName(base)), segment.toByteArray());
      }
      java.nio.ByteBuffer ack = java.nio.ByteBuffer.allocate(16).putLong(4);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(java.nio.ByteBuffer.allocate(8).putLong(4).array());
      Files.write(dir.resolve(AckFile.NAME), ack.putLong(crc.getValue()).array());
    }

    @Test
    void its_undelivered_records_are_read_in_order_and_rewritten_in_format_2() throws IOException {
      writeFormat1Spool();

      try (Spool spool = openRecording(MB)) {
        List<SpooledEvent> pending = spool.peek(100, MB);
        assertThat(bodies(pending)).isEqualTo(expected(4, 9));
        assertThat(pending).extracting(SpooledEvent::seq).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(pending.get(0).spooledAtMillis()).as("spool times kept").isEqualTo(1_004);
        assertThat(spool.append(event(9))).isEqualTo(9);
      }
      for (Path segment : segmentFiles()) {
        assertThat(java.nio.ByteBuffer.wrap(Files.readAllBytes(segment)).getInt()).as(segment.toString())
            .isEqualTo(Frame.MAGIC);
      }
      try (Spool spool = openRecording(MB)) {
        assertThat(bodies(spool.peek(100, MB))).isEqualTo(expected(4, 10));
      }
      assertThat(damage).isEmpty();
    }

    @Test
    void damage_in_a_format_1_segment_keeps_the_records_after_it_with_their_numbers() throws IOException {
      writeFormat1Spool();
      int frame = v1Frame(0, event(0)).length;
      flipByte(dir.resolve(Segment.fileName(3)), frame + 17); // record 4's body

      try (Spool spool = openRecording(MB)) {
        List<SpooledEvent> pending = spool.peek(100, MB);
        assertThat(bodies(pending)).containsExactly("{\"n\":5}", "{\"n\":6}", "{\"n\":7}", "{\"n\":8}");
        assertThat(pending.get(0).seq()).isEqualTo(5);
      }
      assertThat(damage).singleElement().satisfies(d -> {
        assertThat(d.offset()).isEqualTo(frame);
        assertThat(d.firstSeq()).isEqualTo(4);
        assertThat(d.lastSeq()).isEqualTo(4);
      });
    }
  }

  @Test
  void the_age_of_the_oldest_event_follows_the_clock_and_is_zero_when_empty() throws IOException {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (Spool spool = Spool.open(dir, MB, 100, MB, clock)) {
      assertThat(spool.oldestAge()).isZero();
      spool.append(event(0));
      clock.advance(Duration.ofSeconds(5));
      spool.append(event(1));
      clock.advance(Duration.ofSeconds(5));

      assertThat(spool.oldestAge()).isEqualTo(Duration.ofSeconds(10));
      spool.ack(spool.peek(1, MB));
      spool.peek(1, MB);
      assertThat(spool.oldestAge()).isEqualTo(Duration.ofSeconds(5));
    }
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 0x5a);
    }
  }
}
