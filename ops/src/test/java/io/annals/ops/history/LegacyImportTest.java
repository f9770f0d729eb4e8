package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 4: a legacy NDJSON file with 5% bad lines (not JSON, no legacy key, a time that is no
 * time) imported with ids derived from the legacy key: the good lines are stored, the bad ones are
 * in the rejects file with their line numbers and reasons, and a second run changes nothing.
 */
class LegacyImportTest {

  static final int LINES = 2000;

  @TempDir Path dir;

  /** A legacy record: no envelope, the key and time in fields of its own; every 20th line is bad in one of three ways. */
  static String legacyLine(int i) {
    if (LegacyImportFixture.isBad(i)) {
      return switch (i / 20 % 3) {
        case 0 -> "{\"order_no\": " + i + ", \"placed\": \"2018-05-01T10:00:00Z\", \"total\": 3.10"; // cut short: not JSON
        case 1 -> "{\"placed\": \"2018-05-01T10:00:00Z\", \"total\": 3.10, \"shop\": \"north\"}"; // no legacy key
        default -> "{\"order_no\": " + i + ", \"placed\": \"last tuesday\", \"total\": 3.10, \"shop\": \"north\"}"; // not a time
      };
    }
    return "{\"order_no\": " + i + ", \"placed\": \"2018-05-01T10:" + String.format("%02d", i % 60) + ":00+02:00\", \"total\": "
        + i + ".10, \"shop\": \"" + (i % 2 == 0 ? "north" : "south") + "\"}";
  }

  @Test
  void good_lines_are_imported_bad_ones_are_rejected_with_line_and_reason_and_a_second_run_changes_nothing() throws Exception {
    Path legacy = dir.resolve("orders.ndjson.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(legacy))) {
      for (int i = 0; i < LINES; i++) {
        out.write((legacyLine(i) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    String[] args = {legacy.toString(), "--id-from", "/order_no", "--created-at-from", "/placed", "--service", "legacy-shop",
        "--type", "order-placed", "--aggregate-id", "/shop", "--batch", "300"};
    try (HistoryHub hub = HistoryHub.start(dir.resolve("hub"))) {
      HistoryHub.Run first = hub.importing(args);
      assertThat(first.exit()).as(first.err()).isEqualTo(ImportCommand.REJECTS);
      assertThat(first.out()).startsWith("import: 1900 created, 33 invalid, 100 rejected, 67 unreadable; rejects in ");

      Path rejects = dir.resolve("orders.ndjson.gz.rejects.ndjson");
      List<String> rejectLines = Files.readAllLines(rejects);
      assertThat(rejectLines).hasSize(100);
      List<Long> lineNumbers = new ArrayList<>();
      for (String r : rejectLines) {
        JsonNode reject = HubHttp.JSON.readTree(r);
        lineNumbers.add(reject.path("line").asLong());
        assertThat(reject.path("file").asText()).isEqualTo("orders.ndjson.gz");
        assertThat(reject.path("errors")).isNotEmpty();
      }
      List<Long> expected = new ArrayList<>();
      for (int i = 0; i < LINES; i++) {
        if (LegacyImportFixture.isBad(i)) {
          expected.add(i + 1L);
        }
      }
      assertThat(lineNumbers).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(rejectLines.get(0)).contains("\"line\":8").contains("not JSON");
      assertThat(String.join("\n", rejectLines)).contains("--id-from /order_no: the line has no value there")
          .contains("\"outcome\":\"invalid\"").contains("/meta/created_at");

      // The id of line 1 (order_no 0) is the UUIDv5 of its key, and its payload is the line as it was.
      String id = UuidV5.of(UuidV5.IMPORT_NAMESPACE, "0").toString();
      JsonNode stored = hub.get("/events/" + id);
      assertThat(stored.path("meta").path("created_at").asText()).isEqualTo("2018-05-01T08:00:00.000000Z");
      assertThat(stored.path("meta").path("aggregate_id").asText()).isEqualTo("north");
      assertThat(stored.path("payload").path("total").decimalValue()).isEqualByComparingTo("0.10");
      assertThat(hub.feedEvents(1900)).isEqualTo(1900);

      HistoryHub.Run second = hub.importing(args);
      assertThat(second.exit()).isEqualTo(ImportCommand.REJECTS);
      assertThat(second.out()).startsWith("import: 1900 duplicate, 33 invalid, 100 rejected, 67 unreadable");
      assertThat(Files.readAllLines(rejects)).isEqualTo(rejectLines);
      assertThat(hub.feedEvents(1900)).isEqualTo(1900);
    }
  }

  @Test
  void the_import_namespace_is_the_documented_uuidv5_and_keys_map_to_stable_ids() {
    assertThat(UuidV5.IMPORT_NAMESPACE.version()).isEqualTo(5);
    // RFC 9562 appendix A.4's example: the UUIDv5 of "www.example.com" in the DNS namespace.
    assertThat(UuidV5.of(UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"))
        .isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
    assertThat(UuidV5.of(UuidV5.IMPORT_NAMESPACE, "42")).isEqualTo(UuidV5.of(UuidV5.IMPORT_NAMESPACE, "42"))
        .isNotEqualTo(UuidV5.of(UuidV5.IMPORT_NAMESPACE, "43"));
  }

  @Test
  void options_that_cannot_work_are_refused_before_anything_is_sent() throws Exception {
    Path file = Files.writeString(dir.resolve("x.ndjson"), "{}\n");
    try (HistoryHub hub = HistoryHub.start(dir.resolve("hub"))) {
      HistoryHub.Run notPointer = hub.importing(file.toString(), "--id-from", "order_no");
      assertThat(notPointer.exit()).isEqualTo(ImportCommand.USAGE);
      assertThat(notPointer.err()).contains("--id-from takes a JSON pointer such as /order/id, was: order_no");
      HistoryHub.Run missing = hub.importing(dir.resolve("nothing.ndjson").toString());
      assertThat(missing.exit()).isEqualTo(ImportCommand.USAGE);
      assertThat(missing.err()).contains("is neither an export directory");
    }
  }
}
