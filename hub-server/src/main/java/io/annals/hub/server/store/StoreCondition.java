package io.annals.hub.server.store;

import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's condition behind {@link StoreHealth#ping()}: what an adapter has learnt from its
 * failures that a ping cannot see: a ping reads one small table, so it answers while the pages of
 * events are damaged, or while every write fails for lack of space.
 *
 * <ul>
 *   <li>Damage ({@link StoreCorruptException}) is remembered until the hub restarts: a damaged file
 *       does not heal, and a restart runs the quick check again.
 *   <li>Lack of space ({@link StoreFullException}) lasts until an append succeeds, or until a ping
 *       finds {@link #SPACE_RETURNED} more bytes usable on the store's file system than when the
 *       write failed (so that an instance that load balancers took out of service for it, and that
 *       therefore gets no appends, comes back once someone frees space).
 * </ul>
 *
 * <p>Each change of state is logged once, here; the failures themselves are not logged per attempt.
 * Adapters pass every translated exception through {@link #record} and call {@link #check()} at the
 * start of their ping. Thread-safe.
 */
public final class StoreCondition {

  /** How much more usable space ends the "full" state without a successful append. */
  public static final long SPACE_RETURNED = 16L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(StoreCondition.class);

  private final String store;
  private final LongSupplier usableBytes;
  private StoreCorruptException corrupt; // guarded by this; the first damage seen
  private boolean full; // guarded by this
  private long usableWhenFull; // guarded by this

  /**
   * @param store names the store in log lines, e.g. the file
   * @param usableBytes usable bytes on the store's file system now, or -1 when unknown (MongoDB)
   */
  public StoreCondition(String store, LongSupplier usableBytes) {
    this.store = Objects.requireNonNull(store, "store");
    this.usableBytes = Objects.requireNonNull(usableBytes, "usableBytes");
  }

  /** Notes what {@code failure} says about the store, logging a change of state once; returns it. */
  public RuntimeException record(RuntimeException failure) {
    if (failure instanceof StoreCorruptException damage) {
      synchronized (this) {
        if (corrupt == null) {
          corrupt = damage;
          LOG.error("{} is damaged: {}. Every request that needs it answers 503 (store-corrupt) and readiness is false "
              + "until the hub restarts on a restored store: see the runbook, AnnalsHubStoreCorrupt", store, damage.getMessage());
        }
      }
    } else if (failure instanceof StoreFullException) {
      synchronized (this) {
        if (!full) {
          full = true;
          usableWhenFull = usableBytes.getAsLong();
          LOG.warn("writes to {} fail for lack of space ({}): appends answer 503 and readiness is false until space returns",
              store, usableWhenFull < 0 ? "usable space unknown" : usableWhenFull + " bytes usable");
        }
      }
    }
    return failure;
  }

  /** An append was committed: whatever space it needed was there. */
  public void appended() {
    synchronized (this) {
      if (full) {
        full = false;
        LOG.info("writes to {} succeed again: space has returned", store);
      }
    }
  }

  /** Throws what the store's failures have shown, as {@link StoreUnavailableException}s; else returns. */
  public void check() {
    synchronized (this) {
      if (corrupt != null) {
        throw new StoreCorruptException(corrupt.getMessage(), corrupt);
      }
      if (full) {
        long usable = usableBytes.getAsLong();
        if (usable < 0 || usableWhenFull < 0 || usable - usableWhenFull < SPACE_RETURNED) {
          throw new StoreFullException(store + " is out of space: writes fail"
              + (usable < 0 ? "" : " (" + usable + " bytes usable)"), null);
        }
        full = false;
        LOG.info("{} has space again ({} bytes usable, {} when writes failed); taking writes", store, usable, usableWhenFull);
      }
    }
  }

  /** True once the store reported damage. */
  public synchronized boolean corrupt() {
    return corrupt != null;
  }
}
