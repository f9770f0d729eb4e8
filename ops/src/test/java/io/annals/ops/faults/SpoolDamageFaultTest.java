package io.annals.ops.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.testsupport.HubProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: a producer's spool damaged on disk. {@code annals-ops send} (a child JVM)
 * spools 100 events while the hub is down; bytes of the spool's segment are then flipped or a
 * torn write appended; a second {@code send} delivers to a real hub (another child JVM). What
 * survived is read back from the hub and the dead-letter file.
 */
class SpoolDamageFaultTest {

  private static final int EVENTS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] SYNC_MARKER = {(byte) 0xA5, 'S', 'P', 'L'};

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  /** Spools {@code EVENTS} events with known ids through a real {@code send} while no hub listens; returns the ids. */
  private List<String> spoolWhileTheHubIsDown(Path spool) throws Exception {
    Path input = dir.resolve("events.ndjson");
    List<String> ids = OpsChild.writeEvents(input, EVENTS);
    String downHub;
    try (ServerSocket socket = new ServerSocket(0)) {
      downHub = "http://127.0.0.1:" + socket.getLocalPort();
    }
    OpsChild.Ended spooled = OpsChild.send(dir, "spooling", input, "--hub", downHub, "--service", "shop",
        "--spool", spool.toString(), "--no-wait").await(120);
    assertThat(spooled.exit()).as(spooled.err()).isZero();
    assertThat(spooled.out()).contains("spooled " + EVENTS + " events");
    return ids;
  }

  private static Path onlySegment(Path spool) throws IOException {
    try (var files = Files.list(spool)) {
      List<Path> segments = files.filter(f -> f.getFileName().toString().matches("segment-\\d{20}\\.log")).toList();
      assertThat(segments).as("one segment holds 100 small events").hasSize(1);
      return segments.get(0);
    }
  }

  private static void flip(Path file, long position, int count) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      for (long at = position; at < position + count; at++) {
        raf.seek(at);
        int b = raf.read();
        raf.seek(at);
        raf.write(b ^ 0x5a);
      }
    }
  }

  /** The offset of the {@code n}-th (0 = first) record's sync marker in {@code segment}. */
  private static long syncMarker(Path segment, int n) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    int found = 0;
    for (int at = 0; at + 4 <= bytes.length; at++) {
      if (bytes[at] == SYNC_MARKER[0] && bytes[at + 1] == SYNC_MARKER[1] && bytes[at + 2] == SYNC_MARKER[2]
          && bytes[at + 3] == SYNC_MARKER[3] && found++ == n) {
        return at;
      }
    }
    throw new AssertionError("no record " + n + " in " + segment);
  }

  private int status(URI hub, String id) throws Exception {
    return http.send(HttpRequest.newBuilder(hub.resolve("/events/" + id)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private List<String> storedOf(URI hub, List<String> ids) throws Exception {
    List<String> stored = new ArrayList<>();
    for (String id : ids) {
      if (status(hub, id) == 200) {
        stored.add(id);
      }
    }
    return stored;
  }

  private HubProcess hub() throws Exception {
    Path data = Files.createDirectories(dir.resolve("hub-data"));
    return HubProcess.builder(dir.resolve("hub.log")).dataDir(data).jvmArgs(List.of("-Xmx256m")).start();
  }

  /** What a test does to the spool's segment file. */
  private interface Damage {
    void to(Path segment) throws IOException;
  }

  /** Spools, applies {@code damage} to the segment, then delivers, and checks that exactly one record was lost and reported. */
  private void expectOneDamagedRecordDeadLetteredAndTheRestDelivered(Damage damage) throws Exception {
    Path spool = dir.resolve("spool");
    List<String> ids = spoolWhileTheHubIsDown(spool);
    damage.to(onlySegment(spool));
    try (HubProcess hub = hub()) {
      OpsChild.Ended sent = OpsChild.send(dir, "delivering", null, "--hub", hub.url(), "--service", "shop",
          "--spool", spool.toString(), "--timeout", "120").await(180);

      assertThat(sent.exit()).as("send exits non-zero when anything was dead-lettered; stderr: %s", sent.err())
          .isEqualTo(65);
      assertThat(sent.out()).contains("delivered " + (EVENTS - 1) + " created").contains("1 dead-lettered (1 damaged)");
      assertThat(sent.err()).contains("send: 1 events dead-lettered; see ").contains("ERROR")
          .contains("damaged bytes at offset");

      List<String> deadLetters = Files.readAllLines(spool.resolve("dead-letters.jsonl"));
      assertThat(deadLetters).hasSize(1);
      JsonNode letter = JSON.readTree(deadLetters.get(0));
      assertThat(letter.path("reason").asText()).isEqualTo("damaged");
      JsonNode where = letter.path("event");
      int lost = where.path("first_seq").asInt();
      assertThat(where.path("last_seq").asInt()).as("one record damaged").isEqualTo(lost);
      assertThat(where.path("bytes_base64").asText()).isNotEmpty();
      assertThat(where.path("length").asInt()).isPositive();
      assertThat(where.path("spool_file").asText()).startsWith("segment-");

      List<String> intact = new ArrayList<>(ids);
      String damaged = intact.remove(lost);
      assertThat(storedOf(URI.create(hub.url()), ids)).as("every intact record delivered").isEqualTo(intact);
      assertThat(status(URI.create(hub.url()), damaged)).isEqualTo(404);
    }
  }

  @Test
  void bytes_flipped_in_the_middle_of_a_segment_cost_one_record_which_is_dead_lettered_and_fail_the_send()
      throws Exception {
    expectOneDamagedRecordDeadLetteredAndTheRestDelivered(segment -> flip(segment, Files.size(segment) / 2, 3));
  }

  @Test
  void a_damaged_record_header_in_the_middle_is_skipped_to_the_next_record() throws Exception {
    // The marker and length of record 50.
    expectOneDamagedRecordDeadLetteredAndTheRestDelivered(segment -> flip(segment, syncMarker(segment, 50) + 1, 6));
  }

  @Test
  void a_torn_write_at_the_end_is_cut_quietly_and_every_event_delivered() throws Exception {
    Path spool = dir.resolve("spool");
    List<String> ids = spoolWhileTheHubIsDown(spool);
    Path segment = onlySegment(spool);
    byte[] firstHeader = java.util.Arrays.copyOf(Files.readAllBytes(segment), 20); // a header cut short
    Files.write(segment, firstHeader, java.nio.file.StandardOpenOption.APPEND);

    try (HubProcess hub = hub()) {
      OpsChild.Ended sent = OpsChild.send(dir, "delivering", null, "--hub", hub.url(), "--service", "shop",
          "--spool", spool.toString(), "--timeout", "120").await(180);

      assertThat(sent.exit()).as(sent.err()).isZero();
      assertThat(sent.out()).contains("delivered " + EVENTS + " created").contains("0 dead-lettered");
      assertThat(sent.err()).contains("torn record");
      assertThat(spool.resolve("dead-letters.jsonl")).doesNotExist();
      assertThat(storedOf(URI.create(hub.url()), ids)).isEqualTo(ids);
    }
  }
}
