package io.annals.ops.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far an import has come: the unit (an export's segment, or 0) and line up to which the hub
 * has acknowledged or the rejects file holds every line, the rejects file's length then, and the
 * outcomes so far. Replaced atomically after each batch. A finished import (or one of another
 * source or hub) is not resumed: the next run starts from the first line, which is what makes a
 * second import of the same file answer {@code duplicate} for every event.
 */
final class ImportProgress {

  private final boolean fresh;
  private final String source;
  private final String hub;
  private int unit;
  private long line;
  private long rejectsBytes;
  private final Map<String, Long> tally = new LinkedHashMap<>();

  private ImportProgress(boolean fresh, String source, String hub) {
    this.fresh = fresh;
    this.source = source;
    this.hub = hub;
  }

  static ImportProgress load(Path file, Path source, String hub) {
    String src = source.toAbsolutePath().normalize().toString();
    if (Files.isRegularFile(file)) {
      try {
        JsonNode p = HubHttp.JSON.readTree(file.toFile());
        if (p != null && !p.path("complete").asBoolean() && src.equals(p.path("source").asText()) && hub.equals(p.path("hub").asText())) {
          ImportProgress resumed = new ImportProgress(false, src, hub);
          resumed.unit = p.path("unit").asInt();
          resumed.line = p.path("line").asLong();
          resumed.rejectsBytes = p.path("rejects_bytes").asLong();
          p.path("tally").fields().forEachRemaining(e -> resumed.tally.put(e.getKey(), e.getValue().asLong()));
          return resumed;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage() + " (delete it to start over)", e);
      }
    }
    return new ImportProgress(true, src, hub);
  }

  boolean fresh() {
    return fresh;
  }

  int unit() {
    return unit;
  }

  long line() {
    return line;
  }

  long rejectsBytes() {
    return rejectsBytes;
  }

  Map<String, Long> tally() {
    return tally;
  }

  void count(String outcome) {
    tally.merge(outcome, 1L, Long::sum);
  }

  void saveAt(Path file, int unit, long line, long rejectsBytes) {
    this.unit = unit;
    this.line = line;
    this.rejectsBytes = rejectsBytes;
    write(file, false);
  }

  void complete(Path file) {
    write(file, true);
  }

  private void write(Path file, boolean complete) {
    ObjectNode p = HubHttp.JSON.createObjectNode();
    p.put("source", source).put("hub", hub).put("unit", unit).put("line", line).put("rejects_bytes", rejectsBytes).put("complete", complete);
    ObjectNode t = p.putObject("tally");
    tally.forEach(t::put);
    AtomicFiles.writeString(file, p.toString());
  }
}
