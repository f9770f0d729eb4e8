package io.annals.ops.keygen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.auth.ApiKeys;
import io.annals.hub.server.auth.ApiKeysException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Adds an entry to a keys file atomically: the new content is validated whole as the hub would
 * read it, written to a temporary file beside it, forced to disk and renamed over it, so a reader
 * (or a crash) sees the old file or the new one, never a mix. Two keygens racing on one file may
 * lose one entry; run them one at a time.
 */
final class KeysFile {

  private static final ObjectMapper JSON = new ObjectMapper();
  // The file holds only SHA-256 hashes of 256-bit random keys, useless to a reader; what matters
  // is who may write it. Readable by all, so a hub running as another user can load it.
  private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

  private KeysFile() {}

  /**
   * Appends {@code entry} to {@code file}, creating it when absent or empty.
   *
   * @return how many keys the file holds now
   * @throws ApiKeysException when the file is not a keys file, or would not be valid with the entry
   */
  static int append(Path file, ObjectNode entry) throws IOException {
    Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file.toAbsolutePath();
    ObjectNode root = JSON.createObjectNode();
    root.putArray("keys");
    Set<PosixFilePermission> permissions = NEW_FILE;
    if (Files.exists(target)) {
      byte[] old = Files.readAllBytes(target);
      if (!new String(old, StandardCharsets.UTF_8).isBlank()) {
        root = existing(old, file);
      }
      if (Files.getFileStore(target).supportsFileAttributeView("posix")) {
        permissions = Files.getPosixFilePermissions(target);
      }
    }
    ((ArrayNode) root.get("keys")).add(entry);
    byte[] content = (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    int count = ApiKeys.parse(content, "keys file " + file + " with the new entry").size();
    replace(target, content, permissions);
    return count;
  }

  private static ObjectNode existing(byte[] old, Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(old);
    } catch (IOException e) {
      // Full validation, with line and column, and without quoting the file's text.
      ApiKeys.parse(old, "keys file " + file);
      throw new ApiKeysException("keys file " + file + " is not valid JSON", e);
    }
    if (root == null || !root.isObject() || !root.path("keys").isArray()) {
      throw new ApiKeysException("keys file " + file + " must be a JSON object {\"keys\": [...]}");
    }
    return (ObjectNode) root;
  }

  private static void replace(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
    Path dir = target.getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(temp, permissions);
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically", e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    forceDirectory(dir);
  }

  // Makes the rename itself durable. Not every platform can open a directory; there it is skipped.
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the rename is atomic either way, only its durability across a crash is at stake
    }
  }
}
