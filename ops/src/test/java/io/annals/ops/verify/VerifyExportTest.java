package io.annals.ops.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.ops.history.ExportLine;
import io.annals.ops.history.HistoryHub;
import io.annals.ops.history.Sha256;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify export} on a real export, and on copies of it changed the ways an export can be damaged. */
class VerifyExportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path export;

  @BeforeEach
  void export_a_real_hub() throws Exception {
    export = dir.resolve("export");
    try (HistoryHub hub = HistoryHub.start(dir.resolve("hub"))) {
      hub.publish(30);
      hub.awaitLedger(30);
      HistoryHub.Run run = hub.export("--out", export.toString(), "--segment-events", "10");
      assertThat(run.exit()).as(run.err()).isZero();
    }
  }

  private HistoryHub.Run verify(String... args) {
    return HistoryHub.capture((out, err) -> new VerifyCommand(out, err).run(args));
  }

  private List<String> segment(String name) throws Exception {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(export.resolve(name))),
        StandardCharsets.UTF_8))) {
      return r.lines().collect(Collectors.toCollection(ArrayList::new));
    }
  }

  /** Rewrites a segment; with {@code fixManifest} the manifest's SHA-256 and count are made to match, as a careful forger would. */
  private void rewrite(String name, List<String> lines, boolean fixManifest) throws Exception {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(export.resolve(name)))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    if (fixManifest) {
      ObjectNode manifest = (ObjectNode) JSON.readTree(export.resolve("manifest.json").toFile());
      manifest.path("segments").forEach(s -> {
        if (s.path("file").asText().equals(name)) {
          try {
            ((ObjectNode) s).put("sha256", Sha256.ofFile(export.resolve(name)));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
      Files.writeString(export.resolve("manifest.json"), manifest.toString());
    }
  }

  @Test
  void a_real_export_verifies_against_its_digest() {
    HistoryHub.Run ok = verify("export", export.toString());
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).startsWith("valid: all 30 leaves recomputed from the exported events give the root of the digest");
  }

  @Test
  void a_changed_payload_is_named_by_its_leaf_even_when_the_manifest_was_fixed_to_match() throws Exception {
    List<String> lines = segment("events-000002.ndjson.gz");
    String id = ExportLine.parse(lines.get(6)).event().id();
    String changed = lines.get(6).replaceFirst("\"amount\":(\\d+)\\.0000", "\"amount\":$1.0001");
    assertThat(changed).isNotEqualTo(lines.get(6));
    lines.set(6, changed);
    rewrite("events-000002.ndjson.gz", lines, true);

    HistoryHub.Run bad = verify("export", export.toString());
    assertThat(bad.exit()).isEqualTo(VerifyCommand.INVALID);
    assertThat(bad.out()).startsWith("invalid: leaf 16 (event " + id + ", events-000002.ndjson.gz line 7): the event hashes to ")
        .contains("the event was changed");
  }

  @Test
  void a_changed_segment_file_fails_its_sha256() throws Exception {
    List<String> lines = segment("events-000001.ndjson.gz");
    lines.set(0, lines.get(0).replace("\"service\":\"shop\"", "\"service\":\"shoq\""));
    rewrite("events-000001.ndjson.gz", lines, false);

    HistoryHub.Run bad = verify("export", export.toString());
    assertThat(bad.exit()).isEqualTo(VerifyCommand.INVALID);
    assertThat(bad.out()).startsWith("invalid: segment events-000001.ndjson.gz has SHA-256").contains("the file was changed");
  }

  @Test
  void a_removed_event_is_named_as_the_missing_leaf() throws Exception {
    List<String> lines = segment("events-000003.ndjson.gz");
    lines.remove(3);
    rewrite("events-000003.ndjson.gz", lines, true);
    HistoryHub.Run bad = verify("export", export.toString());
    assertThat(bad.exit()).isEqualTo(VerifyCommand.INVALID);
    assertThat(bad.out()).startsWith("invalid: leaf 23 (events-000003.ndjson.gz line 4): the export has leaf 24 here");
  }

  @Test
  void a_missing_segment_and_a_directory_without_a_manifest_are_said_so() throws Exception {
    Files.delete(export.resolve("events-000003.ndjson.gz"));
    assertThat(verify("export", export.toString()).out()).isEqualTo("invalid: segment events-000003.ndjson.gz is missing\n");
    HistoryHub.Run none = verify("export", dir.toString());
    assertThat(none.exit()).isEqualTo(VerifyCommand.USAGE);
    assertThat(none.err()).contains("holds no manifest.json");
  }
}
