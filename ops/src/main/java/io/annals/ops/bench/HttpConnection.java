package io.annals.ops.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection with blocking request/answer, for load generation. The
 * client shares the machine's cores with the hub under test, so it must cost as little as
 * possible: the JDK's {@code HttpClient} spends several times more CPU per request (selector
 * thread, futures, header maps) than this, which the hub's figure would pay for. Handles exactly
 * what the hub sends: a status line, headers, and a body framed by {@code Content-Length} or
 * chunked. Not thread-safe: one per client thread.
 */
final class HttpConnection implements AutoCloseable {

  /** A status and body. */
  record Answer(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String host;
  private final int port;
  private final String authorization;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  HttpConnection(URI hub, String apiKey) {
    this.host = hub.getHost();
    this.port = hub.getPort() < 0 ? 80 : hub.getPort();
    this.authorization = apiKey == null ? "" : "Authorization: Bearer " + apiKey + "\r\n";
  }

  Answer post(String path, String contentType, byte[] body) throws IOException {
    String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + body.length + "\r\n" + authorization + "\r\n";
    return exchange(head.getBytes(StandardCharsets.ISO_8859_1), body);
  }

  Answer get(String pathAndQuery) throws IOException {
    String head = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n" + authorization + "\r\n";
    return exchange(head.getBytes(StandardCharsets.ISO_8859_1), new byte[0]);
  }

  /** Sends one request; a connection the server closed while idle is opened again once. */
  private Answer exchange(byte[] head, byte[] body) throws IOException {
    boolean fresh = socket == null;
    try {
      connectIfNeeded();
      out.write(head);
      out.write(body);
      out.flush();
      return readAnswer();
    } catch (IOException e) {
      close();
      if (fresh) {
        throw e;
      }
      connectIfNeeded();
      out.write(head);
      out.write(body);
      out.flush();
      return readAnswer();
    }
  }

  private void connectIfNeeded() throws IOException {
    if (socket == null) {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), 10_000);
      s.setSoTimeout(120_000);
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
    }
  }

  private Answer readAnswer() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP answer: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean closeAfter = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        closeAfter = true;
      }
    }
    byte[] body = chunked ? chunkedBody() : in.readNBytes((int) Math.max(0, length));
    if (closeAfter || (!chunked && length < 0)) {
      close();
    }
    return new Answer(code, body);
  }

  private byte[] chunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) {
        while (!line().isEmpty()) {
          // trailers, none expected
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(n));
      line();
    }
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed by the hub");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }
}
