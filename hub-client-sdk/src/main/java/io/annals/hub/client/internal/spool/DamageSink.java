package io.annals.hub.client.internal.spool;

import java.io.IOException;
import java.util.List;

/** Takes what spool recovery could not read, before those bytes leave the spool. */
@FunctionalInterface
public interface DamageSink {

  /** Makes {@code damage} durable (or throws, and the spool does not open). */
  void damaged(List<SpoolDamage> damage) throws IOException;
}
