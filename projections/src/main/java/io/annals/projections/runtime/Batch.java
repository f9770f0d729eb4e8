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

  /**
   * The hub erased personal data ({@link ErasureApplied}): drop this read model's copies of the
   * erased members of those events (an amount summed into a total may stay; an e-mail kept in a
   * row goes). Called in feed order among {@link #apply} calls, in the same transaction; the
   * runtime reads these events for every projection. The default keeps nothing to erase.
   */
  default void onErasure(ErasureApplied erasure) throws Exception {}

  /** Writes whatever {@link #apply} buffered. */
  default void flush() throws Exception {}

  /** Releases statements; the transaction is the runtime's to commit or roll back. */
  @Override
  default void close() throws Exception {}
}
