package io.annals.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.ops.history.ExportCommand;
import io.annals.ops.history.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * What an export cannot cost less than on this machine: its lines deflated through the export's own
 * gzip stream ({@link ExportCommand#segmentGzip}, level 1, handed 64 KiB at a time as the export's
 * writer thread hands them) and the compressed bytes hashed with SHA-256, in this thread, nothing
 * else: no HTTP, no cutting of pages, no file. Measured in the same run as the export so that a
 * reader sees how much of the exporter's CPU is compression (issue 26).
 *
 * @param lines lines deflated per pass (the export's first lines, read back from its segments)
 * @param passes passes over them
 * @param bytesPerLine uncompressed bytes per line
 * @param gzipBytesPerLine compressed bytes per line
 * @param cpuMicrosPerLine this thread's CPU per line deflated and hashed
 */
record DeflateFloor(int lines, int passes, double bytesPerLine, double gzipBytesPerLine, double cpuMicrosPerLine) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 1 << 16;

  /** Deflates and hashes the first lines (up to {@code maxLines}) of the export in {@code dir}, {@code passes} times. */
  static DeflateFloor measure(Path dir, int maxLines, int passes) throws IOException {
    byte[] text = firstLines(dir, maxLines);
    int lines = 0;
    for (byte b : text) {
      lines += b == '\n' ? 1 : 0;
    }
    long gzipBytes = 0;
    long cpu = 0;
    for (int pass = 0; pass < passes; pass++) {
      MessageDigest sha = Sha256.digest();
      CountingSink sink = new CountingSink();
      long start = Cpu.threadNanos();
      try (OutputStream gzip = ExportCommand.segmentGzip(new DigestOutputStream(sink, sha))) {
        for (int at = 0; at < text.length; at += CHUNK) {
          gzip.write(text, at, Math.min(CHUNK, text.length - at));
        }
      }
      sha.digest();
      cpu += Cpu.threadNanos() - start;
      gzipBytes += sink.count;
    }
    return new DeflateFloor(lines, passes, (double) text.length / lines, (double) gzipBytes / passes / lines,
        cpu / 1000.0 / passes / lines);
  }

  /** The export's lines, uncompressed, from its first segment on, up to {@code maxLines}. */
  private static byte[] firstLines(Path dir, int maxLines) throws IOException {
    byte[] text = new byte[1 << 20];
    int size = 0;
    int lines = 0;
    for (JsonNode s : JSON.readTree(dir.resolve("manifest.json").toFile()).path("segments")) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(s.path("file").asText())), CHUNK)) {
        int n;
        while (lines < maxLines && (n = in.read(text, size, Math.min(CHUNK, text.length - size))) >= 0) {
          int end = size + n;
          for (; size < end && lines < maxLines; size++) {
            lines += text[size] == '\n' ? 1 : 0;
          }
          if (size == text.length) {
            text = Arrays.copyOf(text, text.length * 2);
          }
        }
      }
      if (lines == maxLines) {
        break;
      }
    }
    if (lines == 0) {
      throw new IllegalStateException("the export in " + dir + " has no lines");
    }
    return Arrays.copyOf(text, size);
  }

  /** Counts what it is given, keeps nothing. */
  private static final class CountingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
