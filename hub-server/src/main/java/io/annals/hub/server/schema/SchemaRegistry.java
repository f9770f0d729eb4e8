package io.annals.hub.server.schema;

import java.util.List;
import java.util.Optional;

/**
 * The schema port: versions of the payload schema per {@code (service, type)}, immutable once
 * registered. Errors, precision and limits as every storage port ({@link io.annals.hub.server.store package}).
 */
public interface SchemaRegistry {

  /**
   * Stores {@code version} if it is the next version of its type ({@code latest + 1}, or 1) and
   * returns true; false when another registration took that number first (the caller checks again).
   */
  boolean register(SchemaVersion version);

  /** Every version of one type, oldest first. */
  List<SchemaVersion> versions(String service, String type);

  /** The newest version of one type, if any. */
  Optional<SchemaVersion> latest(String service, String type);

  /** The newest version of every registered type, ordered by service then type. */
  List<SchemaVersion> latestOfEach();
}
