package io.annals.ops.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An export's {@code manifest.json}: read, and replaced atomically (docs/history.md lists its fields). */
public final class Manifest {

  private Manifest() {}

  public static ObjectNode read(Path dir) {
    Path file = dir.resolve(ExportCommand.MANIFEST);
    try {
      JsonNode m = HubHttp.JSON.readTree(file.toFile());
      if (m == null || !m.isObject() || !ExportCommand.FORMAT.equals(m.path("format").asText())) {
        throw new IllegalArgumentException(file + " is not an Annals export manifest (format " + ExportCommand.FORMAT + ")");
      }
      return (ObjectNode) m;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static void write(Path dir, ObjectNode manifest) {
    try {
      AtomicFiles.writeString(dir.resolve(ExportCommand.MANIFEST), HubHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean isExport(Path dir) {
    return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(ExportCommand.MANIFEST));
  }
}
