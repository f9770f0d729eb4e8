package io.annals.hub.server.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The request body bytes that may be read and decoded at once, across all requests: what keeps
 * concurrent uploads from exhausting the heap. A request takes a {@link Lease} before its body is
 * read: a declared Content-Length is reserved whole up front, a chunked body chunk by chunk as it
 * is read. When the budget cannot cover it, the request is refused with 503 and
 * {@code Retry-After} before (more of) its body is read; the lease is given back when the request's
 * events are stored, since the decoded events live until then.
 *
 * <p>The budget counts body bytes, not heap bytes: a body takes several times its size in heap
 * while it is decoded into a JSON tree and validated ({@link #EXPANSION}), so the default
 * ({@link #forHeap}) is a share of the heap divided by that factor.
 */
public final class BodyBudget {

  /**
   * Heap bytes per body byte while a body is read, parsed and validated, measured on 5-9 MiB
   * batches of 10,000 events: 3.4 for events with a long text payload, 5.2 for arrays of small
   * numbers, 7.8 for payloads of 40 small fields. Shapes that expand more (many empty objects)
   * are what the rest of the heap is kept for.
   */
  public static final int EXPANSION = 8;
  /** The share of the heap the default budget gives to bodies being decoded, after {@link #EXPANSION}. */
  public static final double HEAP_SHARE = 0.4;
  /** Seconds a refused client should wait: about how long a large body takes to be stored. */
  static final int RETRY_AFTER_SECONDS = 2;
  /** A chunked body reserves at least this much at a time, so that small reads do not contend. */
  static final int STEP = 64 * 1024;

  /** Refusal reason: the budget cannot cover the body now (503), since other bodies hold it. */
  public static final String BUSY = "busy";
  /** Refusal reason: the body decodes to more than the whole budget could ever cover (413). */
  public static final String TOO_LARGE = "too_large";

  private final long capacity;
  private final long maxBodyBytes;
  private final Consumer<String> refused;
  private final AtomicLong used = new AtomicLong();

  /**
   * @param capacity body bytes that may be in flight at once; at least {@code maxBodyBytes}, so
   *     that a body of the largest size is taken when nothing else is in flight
   * @param maxBodyBytes the largest body accepted (HUB_MAX_BODY_BYTES); a longer declared body is
   *     refused as too large without reading, so reserves nothing
   */
  public BodyBudget(long capacity, long maxBodyBytes) {
    this(capacity, maxBodyBytes, reason -> {});
  }

  /**
   * As above; {@code refused} is told the reason ({@link #BUSY} or {@link #TOO_LARGE}) of each
   * request the budget refuses, once per request, on the request's thread.
   */
  public BodyBudget(long capacity, long maxBodyBytes, Consumer<String> refused) {
    if (maxBodyBytes < 1 || capacity < maxBodyBytes) {
      throw new IllegalArgumentException("the body budget (" + capacity + " bytes) must be at least the body limit ("
          + maxBodyBytes + " bytes)");
    }
    this.capacity = capacity;
    this.maxBodyBytes = maxBodyBytes;
    this.refused = Objects.requireNonNull(refused, "refused");
  }

  /**
   * The default budget for a heap of {@code maxHeapBytes} ({@link Runtime#maxMemory()}):
   * {@link #HEAP_SHARE} of it divided by {@link #EXPANSION}, and never less than one body of the
   * largest size.
   */
  public static long forHeap(long maxHeapBytes, long maxBodyBytes) {
    return Math.max(maxBodyBytes, (long) (maxHeapBytes * HEAP_SHARE / EXPANSION));
  }

  /** Body bytes that may be in flight at once. */
  public long capacity() {
    return capacity;
  }

  /** Body bytes reserved right now. */
  public long inUse() {
    return used.get();
  }

  /**
   * A lease for one request body, reserving {@code declaredLength} now when it is known (at least
   * 0) and within the body limit.
   *
   * @throws RequestRejectedException 503 with {@code Retry-After} when the budget cannot cover it
   */
  public Lease lease(long declaredLength) {
    boolean declared = declaredLength >= 0 && declaredLength <= maxBodyBytes;
    Lease lease = new Lease(declared);
    if (declared && declaredLength > 0) {
      lease.reserve(declaredLength);
      lease.bodyBytes = declaredLength;
    }
    return lease;
  }

  private boolean tryTake(long bytes) {
    long now;
    do {
      now = used.get();
      if (now + bytes > capacity) {
        return false;
      }
    } while (!used.compareAndSet(now, now + bytes));
    return true;
  }

  /** One request's share of the budget; closing it gives the share back. Not thread-safe: one request, one thread. */
  public final class Lease implements AutoCloseable {

    private final boolean declared;
    private long reserved;
    private long bodyBytes;
    private long decodedBytes;
    private boolean closed;

    private Lease(boolean declared) {
      this.declared = declared;
    }

    /** Body bytes this lease holds. */
    public long reserved() {
      return reserved;
    }

    /**
     * {@code body}, reserving what it reads beyond what is already reserved before handing it
     * out; a read the budget cannot cover throws the 503 instead.
     */
    public InputStream meter(InputStream body) {
      return new FilterInputStream(body) {
        private long read;

        @Override
        public int read() throws IOException {
          coverNext();
          int b = super.read();
          read += b < 0 ? 0 : 1;
          bodyBytes = Math.max(bodyBytes, read);
          return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          if (length == 0) {
            return 0;
          }
          if (declared && read >= reserved) {
            // A declared body is all reserved; the server ends it at its Content-Length, so this is the end.
            int b = read();
            if (b >= 0) {
              buffer[offset] = (byte) b;
              return 1;
            }
            return -1;
          }
          coverNext();
          // Never more than is covered, so that nothing is held that the budget did not grant.
          int n = super.read(buffer, offset, (int) Math.min(length, reserved - read));
          read += Math.max(n, 0);
          bodyBytes = Math.max(bodyBytes, read);
          return n;
        }

        /** Reserves the next step once what is reserved has been read (a declared length never needs one). */
        private void coverNext() {
          if (read >= reserved && !declared) {
            // Up to one byte past the limit, which is how the reader tells "too large" from "exactly the limit".
            reserve(Math.max(1, Math.min(STEP, maxBodyBytes + 1 - reserved)));
          }
        }
      };
    }

    /**
     * Charges {@code heapBytes} more of decoded JSON to this lease. While the tree stays within
     * what the body's own share covers ({@link #EXPANSION} heap bytes per body byte, less the
     * body and the events made from it, each about its size) nothing changes; beyond, the lease
     * grows: 503 when the budget cannot cover it now, 413 when no budget could.
     */
    void decoded(long heapBytes) {
      decodedBytes += heapBytes;
      long needed = (2 * bodyBytes + decodedBytes + EXPANSION - 1) / EXPANSION;
      if (needed > reserved) {
        if (needed > capacity) {
          refused.accept(TOO_LARGE);
          throw RequestRejectedException.tooLarge("the body decodes to more JSON nodes than the hub holds for request"
              + " bodies at once (" + capacity + " bytes of bodies, HUB_BODY_BUDGET, at about " + EXPANSION
              + " bytes of memory each); send fewer or flatter events per request");
        }
        // A quarter more than needed, so that a growing tree asks the shared counter rarely.
        reserve(Math.min(capacity, needed + needed / 4) - reserved);
      }
    }

    void reserve(long bytes) {
      if (closed) {
        throw new IllegalStateException("the lease is closed");
      }
      if (!tryTake(bytes)) {
        refused.accept(BUSY);
        throw RequestRejectedException.busy("the hub is decoding as many request bodies as its memory allows ("
            + capacity + " bytes, HUB_BODY_BUDGET); nothing of this request was stored, retry in "
            + RETRY_AFTER_SECONDS + " s", RETRY_AFTER_SECONDS);
      }
      reserved += bytes;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        used.addAndGet(-reserved);
      }
    }
  }
}
