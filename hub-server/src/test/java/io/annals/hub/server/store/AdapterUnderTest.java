package io.annals.hub.server.store;

import java.nio.file.Path;

/**
 * One store adapter as the port contracts run against it ({@link StoreContract}). It may share a
 * server between the tests of a contract class; JUnit closes it when the class has run on it.
 */
public interface AdapterUnderTest extends AutoCloseable {

  /** Fresh, empty data for one test: a directory under {@code tempDir}, or a new database. */
  StoreFixture fixture(Path tempDir);

  @Override
  default void close() {}
}
