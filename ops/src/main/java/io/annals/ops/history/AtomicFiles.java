package io.annals.ops.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that are either there whole or not at all after a {@code kill -9} or a power cut: written
 * to a temporary name, forced to disk, renamed over the final name, and the directory forced so the
 * rename itself is durable.
 */
final class AtomicFiles {

  static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  static void writeString(Path file, String text) {
    Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      force(temp);
      publish(temp, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Renames a complete, forced {@code temp} to {@code file} and forces the directory. */
  static void publish(Path temp, Path file) throws IOException {
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Path dir = file.toAbsolutePath().getParent();
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for reading; the rename is still atomic there.
    }
  }

  static void force(Path file) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.force(true);
    }
  }
}
