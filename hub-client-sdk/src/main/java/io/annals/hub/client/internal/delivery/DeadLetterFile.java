package io.annals.hub.client.internal.delivery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.client.DeadLetter;
import io.annals.hub.client.Outcome;
import io.annals.hub.client.internal.spool.SpoolDamage;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The dead-letter file: one JSON object per line,
 * {@code {"dead_lettered_at", "reason", "detail", "errors", "event"}}, appended and synced before
 * the events leave the spool, so a dead letter is never lost (a crash in between may write one twice).
 */
public final class DeadLetterFile {

  public static final String NAME = "dead-letters.jsonl";

  private final Path path;

  public DeadLetterFile(Path spoolDirectory) {
    this.path = spoolDirectory.resolve(NAME);
  }

  public Path path() {
    return path;
  }

  /** Dead letters for bytes of the spool that recovery could not read, with the bytes and where they were. */
  public static List<DeadLetter> damaged(List<SpoolDamage> damage, Instant now) {
    List<DeadLetter> letters = new ArrayList<>(damage.size());
    for (SpoolDamage damaged : damage) {
      ObjectNode where = Json.object();
      where.put("spool_file", damaged.file().getFileName().toString());
      where.put("offset", damaged.offset());
      where.put("length", damaged.bytes().length);
      where.put("first_seq", damaged.firstSeq());
      where.put("last_seq", damaged.lastSeq());
      where.put("bytes_base64", Base64.getEncoder().encodeToString(damaged.bytes()));
      letters.add(new DeadLetter(null, Outcome.DAMAGED, damaged.describe(), List.of(), where, now));
    }
    return letters;
  }

  /** Appends {@code letters} and syncs them to the disk. */
  public synchronized void append(List<DeadLetter> letters) throws IOException {
    if (letters.isEmpty()) {
      return;
    }
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    for (DeadLetter letter : letters) {
      ObjectNode line = Json.object();
      line.put("dead_lettered_at", letter.deadLetteredAt().toString());
      line.put("reason", letter.reason().wireName());
      line.put("detail", letter.detail());
      ArrayNode errors = line.putArray("errors");
      letter.errors().forEach(errors::add);
      line.set("event", letter.event());
      lines.write(Json.WRITER.writeValueAsBytes(line));
      lines.write('\n');
    }
    // FileOutputStream, not a FileChannel: an interrupt must not close the file mid-write.
    try (FileOutputStream out = new FileOutputStream(path.toFile(), true)) {
      lines.writeTo(out);
      out.getFD().sync();
    }
  }
}
