package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The export's writer thread: every byte, in order, written and closed when close returns; the writer's failure reaches the caller. */
class HandOffOutputStreamTest {

  @Test
  void every_byte_reaches_downstream_in_order_and_downstream_is_closed_when_close_returns() throws IOException {
    Random random = new Random(7);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    ClosingSink sink = new ClosingSink();
    try (HandOffOutputStream out = new HandOffOutputStream(sink, 64, "test-writer")) {
      for (int i = 0; i < 2_000; i++) {
        byte[] piece = new byte[random.nextInt(200)]; // pieces shorter and longer than a chunk, and empty ones
        random.nextBytes(piece);
        out.write(piece);
        expected.write(piece);
        out.write(i);
        expected.write(i);
      }
    }
    assertThat(sink.closed).isTrue();
    assertThat(sink.toByteArray()).isEqualTo(expected.toByteArray());
  }

  @Test
  void a_downstream_that_fails_makes_a_later_write_or_the_close_throw_its_exception() {
    OutputStream failing = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException("disk full");
      }
    };
    assertThatThrownBy(() -> {
      try (HandOffOutputStream out = new HandOffOutputStream(failing, 16, "test-writer")) {
        for (int i = 0; i < 10_000; i++) {
          out.write(new byte[16]); // more than the queue holds: the writer's failure must not leave this waiting
        }
      }
    }).isInstanceOf(IOException.class).hasMessageContaining("disk full");
  }

  @Test
  void a_failure_when_downstream_closes_is_thrown_by_close() {
    ClosingSink sink = new ClosingSink() {
      @Override
      public void close() throws IOException {
        super.close();
        throw new IOException("cannot close");
      }
    };
    assertThatThrownBy(() -> {
      try (HandOffOutputStream out = new HandOffOutputStream(sink, 16, "test-writer")) {
        out.write(new byte[40]);
      }
    }).isInstanceOf(IOException.class).hasMessageContaining("cannot close");
    assertThat(sink.size()).isEqualTo(40);
  }

  private static class ClosingSink extends ByteArrayOutputStream {
    volatile boolean closed;

    @Override
    public void close() throws IOException {
      closed = true;
    }
  }
}
