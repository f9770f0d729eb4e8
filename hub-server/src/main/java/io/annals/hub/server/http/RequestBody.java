package io.annals.hub.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request's body stream, opened on its first read. Jetty answers {@code Expect: 100-continue}
 * with {@code 100 Continue} as soon as the servlet stream is asked for; opened lazily, a request
 * refused before its body is read (too large as declared, over the body budget, of a media type the
 * hub does not take) is answered without inviting the body first.
 */
final class RequestBody extends InputStream {

  private final Context ctx;
  private InputStream body;

  private RequestBody(Context ctx) {
    this.ctx = ctx;
  }

  static InputStream of(Context ctx) {
    return new RequestBody(ctx);
  }

  private InputStream body() throws IOException {
    if (body == null) {
      body = ctx.req().getInputStream();
    }
    return body;
  }

  @Override
  public int read() throws IOException {
    return body().read();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    return body().read(buffer, offset, length);
  }

  @Override
  public int available() throws IOException {
    return body == null ? 0 : body.available();
  }
}
