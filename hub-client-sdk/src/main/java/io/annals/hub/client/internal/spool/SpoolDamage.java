package io.annals.hub.client.internal.spool;

import java.nio.file.Path;

/**
 * Bytes of a spool segment that recovery could not read as records: where they were ({@code file},
 * {@code offset}), the bytes themselves, why they are not a record, and which records they held:
 * {@code firstSeq..lastSeq}, each -1 when unknown.
 */
public record SpoolDamage(Path file, long offset, byte[] bytes, String reason, long firstSeq, long lastSeq) {

  /** One line for a log or a dead letter. */
  public String describe() {
    String records = firstSeq < 0 && lastSeq < 0 ? "records unknown"
        : firstSeq == lastSeq ? "record " + firstSeq
        : "records " + (firstSeq < 0 ? "?" : firstSeq) + "-" + (lastSeq < 0 ? "?" : lastSeq);
    return bytes.length + " damaged bytes at offset " + offset + " of " + file.getFileName() + " (" + records
        + "): " + reason;
  }

  @Override
  public String toString() {
    return describe();
  }
}
