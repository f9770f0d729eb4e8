package io.annals.hub.server.store;

/** One test's data in one adapter, which the test opens (and may open again) as a {@link Store}. */
public interface StoreFixture extends AutoCloseable {

  /** Opens a store over this data; opened again after a close, it shows the same data. */
  Store open();

  /**
   * Makes {@code store} stop answering the way this adapter can: its server goes away, or (for an
   * embedded file, which has no server) it is closed.
   */
  void makeUnreachable(Store store);

  /** Releases the data and anything started for it (a server); the test closed its stores already. */
  @Override
  void close();
}
