package io.annals.hub.client.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.client.DeadLetter;
import io.annals.hub.client.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead-letter file's lines, read back as JSON. Written to kill mutants of the delivery package
 * that survived (docs/mutation.md).
 */
class DeadLetterFileTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path dir;

  private static DeadLetter letter(String id, Outcome reason, List<String> errors) throws IOException {
    JsonNode event = JSON.readTree("{\"id\":\"" + id + "\",\"payload\":{\"amount\":3.10}}");
    return new DeadLetter(id, reason, "hub answered " + reason.wireName(), errors, event, AT);
  }

  @Test
  void nothing_to_append_creates_no_file() throws IOException {
    DeadLetterFile file = new DeadLetterFile(dir);
    file.append(List.of());

    assertThat(file.path()).isEqualTo(dir.resolve("dead-letters.jsonl")).doesNotExist();
  }

  @Test
  void each_letter_is_one_json_line_appended_after_the_ones_before() throws IOException {
    DeadLetterFile file = new DeadLetterFile(dir);
    file.append(List.of(letter("a", Outcome.CONFLICT, List.of()), letter("b", Outcome.INVALID, List.of("/payload: bad", "x"))));
    file.append(List.of(letter("c", Outcome.EXPIRED, List.of())));

    List<String> lines = Files.readAllLines(file.path());
    assertThat(lines).hasSize(3);
    JsonNode second = JSON.readTree(lines.get(1));
    assertThat(second.path("dead_lettered_at").asText()).isEqualTo("2026-03-01T12:00:00Z");
    assertThat(second.path("reason").asText()).isEqualTo("invalid");
    assertThat(second.path("detail").asText()).isEqualTo("hub answered invalid");
    assertThat(second.path("errors")).extracting(JsonNode::asText).containsExactly("/payload: bad", "x");
    assertThat(second.path("event").path("id").asText()).isEqualTo("b");
    assertThat(JSON.readTree(lines.get(0)).path("reason").asText()).isEqualTo("conflict");
    assertThat(JSON.readTree(lines.get(2)).path("reason").asText()).isEqualTo("expired");
  }
}
