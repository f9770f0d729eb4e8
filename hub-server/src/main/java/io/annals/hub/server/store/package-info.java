/**
 * The storage ports, one per capability, and the values they carry; {@code store.sqlite} and
 * {@code store.mongo} are the two adapters, each implementing every port ({@link
 * io.annals.hub.server.store.Store} bundles one opened adapter's ports).
 *
 * <p>What holds for every port: a method may throw {@link
 * io.annals.hub.server.store.StoreUnavailableException} when the store does not answer within the
 * adapter's bounded timeouts (retryable: 503); adapters translate their driver's exceptions at their
 * edge, and anything not retryable (a bug, a corrupt file, a misconfiguration) becomes an {@link
 * IllegalStateException} with context. Implementations are thread-safe. Times are stored at
 * microsecond precision: digits below a microsecond are dropped (see {@link
 * io.annals.hub.server.store.EpochMicros}). A {@code limit} must be {@code >= 0}; 0 answers an
 * empty list.
 */
package io.annals.hub.server.store;
