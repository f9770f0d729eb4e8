package io.annals.hub.server.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client library would send (malformed,
 * oversized, slow) and for seeing every byte of the answer, interim {@code 100 Continue} included.
 */
final class RawHttp implements AutoCloseable {

  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");

  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    in = socket.getInputStream();
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Reads until the answers so far hold a complete final (non-1xx) answer, or the hub closes. */
  Answer finalAnswer() throws IOException {
    byte[] buffer = new byte[8192];
    while (Answer.parse(text()) == null) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      received.write(buffer, 0, n);
    }
    Answer answer = Answer.parse(text());
    if (answer == null) {
      throw new AssertionError("no complete answer before the hub closed; received: " + text());
    }
    return answer;
  }

  /** Reads until {@code expected} has arrived {@code times} times; false when the hub closed first. */
  boolean awaitText(String expected, int times) throws IOException {
    byte[] buffer = new byte[8192];
    while (text().split(Pattern.quote(expected), -1).length <= times) {
      int n = in.read(buffer);
      if (n < 0) {
        return false;
      }
      received.write(buffer, 0, n);
    }
    return true;
  }

  /**
   * True when the hub has closed the connection: a read ends (or is reset) rather than waiting
   * {@code millis} for data. Anything that does arrive is kept.
   */
  boolean closedByHubWithin(int millis) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout(millis);
    try {
      int b = in.read();
      if (b >= 0) {
        received.write(b);
      }
      return b < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(before);
      }
    }
  }

  /** Drops what was received so far, so that {@link #finalAnswer} parses the next answer. */
  void forget() {
    received.reset();
  }

  /** Everything received so far, as ISO-8859-1 text (bytes kept one for one). */
  String text() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** The final answer: status, headers (lower-case names) as text, body. */
  record Answer(int status, String head, String body) {

    String header(String name) {
      Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ": *([^\r\n]*)").matcher(head);
      return m.find() ? m.group(1).trim() : null;
    }

    /** The first final answer in {@code text}, skipping 1xx ones; null while incomplete. */
    static Answer parse(String text) {
      String rest = text;
      while (true) {
        int end = rest.indexOf("\r\n\r\n");
        if (end < 0) {
          return null;
        }
        String head = rest.substring(0, end);
        Matcher status = STATUS.matcher(head);
        if (!status.find()) {
          throw new AssertionError("not an HTTP/1.1 answer: " + text);
        }
        int code = Integer.parseInt(status.group(1));
        if (code >= 200) {
          Matcher length = Pattern.compile("(?im)^content-length: *(\\d+)").matcher(head);
          int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
          String after = rest.substring(end + 4);
          if (after.length() < bodyLength) {
            return null;
          }
          return new Answer(code, head.toLowerCase(Locale.ROOT), after.substring(0, bodyLength));
        }
        rest = rest.substring(end + 4);
      }
    }
  }
}
