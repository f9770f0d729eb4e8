package io.annals.ops.history;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Bytes written here are collected in chunks and written to {@code downstream} on a thread of
 * their own, so that the export's deflate, digest and file writes (about half its CPU) run on one
 * core while the thread that writes here cuts the next lines out of the hub's pages on the other.
 * {@link #close} writes what is left, closes {@code downstream} and waits until it is closed;
 * it throws what {@code downstream} threw (as does any write after that). Not thread-safe: one
 * thread writes. Hand-written (docs/decisions.md): the JDK has no asynchronous output stream.
 */
final class HandOffOutputStream extends OutputStream {

  /** Chunks queued at most: bounds memory, and lets the writer run up to this far behind. */
  static final int CHUNKS = 4;
  private static final byte[] END = new byte[0];

  private final OutputStream downstream;
  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(CHUNKS);
  private final Thread writer;
  private final int chunkSize;
  private byte[] chunk;
  private int filled;
  private volatile IOException failed;
  private boolean closed;

  HandOffOutputStream(OutputStream downstream, int chunkSize, String threadName) {
    this.downstream = downstream;
    this.chunkSize = chunkSize;
    this.chunk = new byte[chunkSize];
    this.writer = new Thread(this::drain, threadName);
    writer.setDaemon(true);
    writer.start();
  }

  private void drain() {
    try (downstream) {
      while (true) {
        byte[] c = queue.take();
        if (c == END) {
          break;
        }
        downstream.write(c);
      }
    } catch (IOException e) {
      failed = e;
    } catch (InterruptedException e) {
      failed = new InterruptedIOException("the writer was interrupted");
    } catch (RuntimeException e) {
      failed = new IOException(e);
    } finally {
      queue.clear(); // a writer that failed takes nothing more: unblock the thread that hands chunks over
    }
  }

  @Override
  public void write(int b) throws IOException {
    if (filled == chunkSize) {
      handOver();
    }
    chunk[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == chunkSize) {
        handOver();
      }
      int n = Math.min(len, chunkSize - filled);
      System.arraycopy(b, off, chunk, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  private void handOver() throws IOException {
    put(chunk);
    chunk = new byte[chunkSize];
    filled = 0;
  }

  private void put(byte[] c) throws IOException {
    check();
    try {
      // Waits while the writer is behind; a writer that failed stops taking, so wait in steps and look.
      while (!queue.offer(c, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        check();
        if (!writer.isAlive()) {
          throw new IOException("the writer thread ended");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while handing bytes to the writer");
    }
  }

  private void check() throws IOException {
    IOException e = failed;
    if (e != null) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Writes what is left, closes {@code downstream}, and waits for it: the bytes are all written when this returns. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (filled > 0) {
      put(Arrays.copyOf(chunk, filled));
    }
    put(END);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the writer finished");
    }
    check();
  }
}
