package io.annals.hub.server.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-caller request budgets: one token bucket per API key, and one per remote address for callers
 * without a known key. Callers never share a bucket, so one caller over its budget does not slow
 * another. Memory is bounded: key buckets are made once, for the keys given at construction;
 * address buckets live in a map of at most {@code maxAddresses} entries that forgets the least
 * recently seen addresses first (a forgotten address starts again with a full bucket). Thread-safe.
 *
 * <p>A request of a known address takes no lock (issue 29: every request of a hub without keys
 * passes here): the map is concurrent, and "seen" is the count of new addresses at the time, a
 * stamp written only when it changed. So recency is told apart at the grain of new addresses,
 * which is when it matters. A new address takes a lock; when the map is full it first forgets the
 * sixteenth of the addresses seen least recently (at least one), so that a flood of new addresses
 * sorts the map once per many of them rather than once each.
 */
public final class RateLimiter {

  /** Addresses tracked at most by {@link #of}: a few hundred kilobytes. */
  public static final int DEFAULT_MAX_ADDRESSES = 10_000;

  private final Rate rate;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> byKey;
  private final ConcurrentHashMap<String, Bucket> byAddress = new ConcurrentHashMap<>();
  private final int maxAddresses;
  private final Object newAddresses = new Object();
  /** How many addresses got a bucket so far: the stamp of a sighting. Written under {@link #newAddresses}. */
  private volatile long sightings;

  /**
   * @param keyNames the names of every API key ({@link Principal#name()}); others are refused
   * @param maxAddresses how many remote addresses to track at most
   * @param nanoTime a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
   */
  public RateLimiter(Rate rate, Collection<String> keyNames, int maxAddresses, LongSupplier nanoTime) {
    this.rate = Objects.requireNonNull(rate, "rate");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("maxAddresses must be at least 1, was: " + maxAddresses);
    }
    this.maxAddresses = maxAddresses;
    long now = nanoTime.getAsLong();
    Map<String, Bucket> keys = new LinkedHashMap<>();
    for (String name : keyNames) {
      keys.put(name, new Bucket(now, 0));
    }
    this.byKey = Map.copyOf(keys);
  }

  /** A limiter on the system clock, tracking at most {@link #DEFAULT_MAX_ADDRESSES} addresses. */
  public static RateLimiter of(Rate rate, Collection<String> keyNames) {
    return new RateLimiter(rate, keyNames, DEFAULT_MAX_ADDRESSES, System::nanoTime);
  }

  /**
   * Takes one request from the bucket of the key named {@code keyName}.
   *
   * @throws IllegalArgumentException when no key of that name was given at construction
   */
  public Result acquireForKey(String keyName) {
    Bucket bucket = byKey.get(keyName);
    if (bucket == null) {
      throw new IllegalArgumentException("no rate budget for unknown key \"" + keyName + "\"");
    }
    return bucket.acquire();
  }

  /** Takes one request from the bucket of the caller at {@code remoteAddress} (a caller without a known key). */
  public Result acquireForAddress(String remoteAddress) {
    String address = String.valueOf(remoteAddress);
    Bucket bucket = byAddress.get(address);
    if (bucket == null) {
      bucket = track(address);
    } else {
      bucket.seen(sightings);
    }
    return bucket.acquire();
  }

  /** How many remote addresses have a bucket now; never more than {@code maxAddresses}. */
  public int trackedAddresses() {
    return byAddress.size();
  }

  /** The bucket of an address not seen before (or just added by another thread), made full. */
  private Bucket track(String address) {
    synchronized (newAddresses) {
      Bucket known = byAddress.get(address);
      if (known != null) {
        known.seen(sightings);
        return known;
      }
      if (byAddress.size() >= maxAddresses) {
        forgetLeastRecentlySeen(Math.max(1, maxAddresses / 16));
      }
      Bucket bucket = new Bucket(nanoTime.getAsLong(), ++sightings);
      byAddress.put(address, bucket);
      return bucket;
    }
  }

  private void forgetLeastRecentlySeen(int count) {
    // Stamps copied first: requests go on stamping while this sorts, and a sort needs fixed keys.
    List<Sighting> all = new ArrayList<>(byAddress.size());
    byAddress.forEach((address, bucket) -> all.add(new Sighting(address, bucket, bucket.seen.get())));
    all.sort(Comparator.comparingLong(Sighting::seen));
    for (int i = 0; i < count && i < all.size(); i++) {
      byAddress.remove(all.get(i).address(), all.get(i).bucket());
    }
  }

  private record Sighting(String address, Bucket bucket, long seen) {}

  public Rate rate() {
    return rate;
  }

  /**
   * The answer to one request: allowed, or refused until {@code retryAfterSeconds} (at least 1)
   * have passed, for the {@code Retry-After} header.
   */
  public record Result(boolean allowed, long retryAfterSeconds) {

    private static final Result ALLOWED = new Result(true, 0);

    static Result retryAfterNanos(long nanos) {
      return new Result(false, Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
    }
  }

  /**
   * A token bucket kept in its equivalent form, the "theoretical arrival time" of the generic cell
   * rate algorithm, so that its whole state is one long updated without a lock: each request moves
   * {@code tat} one interval later; a request is refused when that would put {@code tat} more than
   * {@code burst} intervals ahead of now (the bucket is empty). A refused request costs nothing.
   * The clock is read after {@code tat}, in each turn of the loop: a time read before waiting for
   * a lock, or before a thread was descheduled, could be seconds older than a
   * {@code tat} other requests set meanwhile, and would refuse a caller with budget left.
   */
  private final class Bucket {
    private final AtomicLong tat;
    /** When an address bucket was last used, in {@link #sightings}; unused for keys. */
    private final AtomicLong seen;

    Bucket(long now, long seen) {
      this.tat = new AtomicLong(now); // a new bucket is full
      this.seen = new AtomicLong(seen);
    }

    void seen(long stamp) {
      // Read first: most requests would write the same stamp again. The larger one kept, so that a
      // thread late with an older stamp cannot make a busy address look like the least recent.
      if (seen.get() < stamp) {
        seen.accumulateAndGet(stamp, Math::max);
      }
    }

    Result acquire() {
      long interval = rate.intervalNanos();
      long window = interval * rate.burst();
      while (true) {
        long current = tat.get();
        long now = nanoTime.getAsLong();
        // Differences, not comparisons, so that nanoTime may wrap around.
        long next = (current - now > 0 ? current : now) + interval;
        long ahead = next - now;
        if (ahead > window) {
          return Result.retryAfterNanos(ahead - window);
        }
        if (tat.compareAndSet(current, next)) {
          return Result.ALLOWED;
        }
      }
    }
  }
}
