package io.annals.projections.runtime;

import io.annals.hub.client.ReceivedEvent;

/**
 * A projection's handler for one transaction: {@link #apply} is called for each event in feed
 * order, then {@link #flush} once, then {@link #close}; the runtime commits afterwards. A handler
 * may buffer in {@code apply} and write in {@code flush}. Any exception rolls the whole
 * transaction back; the runtime then retries event by event to find the failing one.
 */
public interface Batch extends AutoCloseable {

  void apply(ReceivedEvent event) throws Exception;

  /** Writes whatever {@link #apply} buffered. */
  default void flush() throws Exception {}

  /** Releases statements; the transaction is the runtime's to commit or roll back. */
  @Override
  default void close() throws Exception {}
}
