package io.annals.hub.server.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.annals.hub.server.auth.RequestLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@code POST /events} body into a {@link Submission} by its Content-Type, or rejects the
 * request whole: 415 for another media type or charset, 413 past the size or event-count limit,
 * 400 for a body that is empty, not UTF-8 or not JSON. Nothing it rejects reaches the store. A
 * binary-mode CloudEvent whose Content-Type is not JSON is the exception: its body is data of any
 * media type, kept as the bytes that came, never decoded.
 * CloudEvents come in three modes: structured and batch by their media types, binary by
 * {@code ce-*} headers (see {@link CloudEventsReader}).
 */
public final class RequestReader {

  static final String JSON = "application/json";
  static final String NDJSON = "application/x-ndjson";

  private final ObjectReader treeReader; // made once: each request only adds its own node factory
  private final RequestLimits limits;
  private final CloudEventsReader cloudEvents;

  /** @param json a {@link StrictJson#mapper(RequestLimits)} with the same {@code limits} */
  public RequestReader(ObjectMapper json, RequestLimits limits) {
    this.treeReader = json.reader();
    this.limits = limits;
    this.cloudEvents = new CloudEventsReader(json);
  }

  /**
   * Reads one request body, the JSON nodes it decodes to charged to {@code lease} as they are
   * built (see {@link BodyBudget}).
   *
   * @param contentType the request's Content-Type header, may be null
   * @param contentLength the declared length, or -1 when unknown (chunked)
   * @param ceHeaders the request's {@code ce-*} headers (lower-case names, prefix included). Any of
   *     them makes a request that is not structured or batch CloudEvents a binary-mode CloudEvent.
   * @param lease the body's share of the budget; {@code body} should come through its meter
   */
  public Submission read(String contentType, long contentLength, InputStream body, Map<String, String> ceHeaders,
      BodyBudget.Lease lease) {
    String mediaType = mediaType(contentType);
    boolean binary = check(contentType, contentLength, ceHeaders);
    byte[] raw = bytes(body, contentLength);
    if (binary && (mediaType == null || !CloudEventValidator.isJson(mediaType))) {
      // Data that is not JSON (XML, protobuf, text, or no Content-Type at all) is kept as the bytes
      // that came, whatever they are; an empty body is an event without data.
      return cloudEvents.binary(ceHeaders, contentType, null, raw.length == 0 ? null : raw);
    }
    // Parsed from the bytes as they came: a decoded copy of the text would double what a body costs.
    Body text = utf8(raw).parsedBy(treeReader.with(new DecodeMeter(lease)));
    if (binary) {
      return cloudEvents.binary(ceHeaders, contentType, text.isBlank() ? null : parse(text, 0), null);
    }
    if (text.isBlank()) {
      throw RequestRejectedException.unreadable("the body is empty; expected a JSON event, a JSON array of events or NDJSON lines");
    }
    return switch (mediaType) {
      case NDJSON -> ndjson(text);
      case CloudEventsReader.STRUCTURED -> cloudEvents.structured(parse(text, 0));
      case CloudEventsReader.BATCH -> cloudEventsBatch(text);
      default -> json(text);
    };
  }

  /**
   * Refuses, before any of the body is read, a request whose media type the hub does not take
   * (415) or whose declared length is over the limit (413); true for a binary-mode CloudEvent.
   */
  public boolean check(String contentType, long contentLength, Map<String, String> ceHeaders) {
    String mediaType = mediaType(contentType);
    boolean binary = !ceHeaders.isEmpty() && (mediaType == null || !CloudEventsReader.isCloudEventsMediaType(mediaType));
    if (binary) {
      checkBinaryMediaType(contentType, mediaType);
    } else {
      checkMediaType(contentType, mediaType);
    }
    if (contentLength > limits.maxBodyBytes()) {
      throw tooLarge(contentLength);
    }
    return binary;
  }

  /**
   * The media type of a Content-Type, without parameters, trimmed, in lower case; null for none.
   * By indexOf, not split: split compiles nothing for one character but still builds a list and
   * an array, on every request (issue 29).
   */
  static String mediaType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  /** A slice of the body's bytes, checked to be UTF-8. */
  private record Body(byte[] data, int offset, int length, ObjectReader reader) {

    Body parsedBy(ObjectReader jsonReader) {
      return new Body(data, offset, length, jsonReader);
    }

    boolean isBlank() {
      for (int i = offset; i < offset + length; i++) {
        byte b = data[i];
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
          return false;
        }
      }
      return true;
    }

    Body slice(int from, int to) {
      return new Body(data, from, to - from, reader);
    }
  }

  private Submission cloudEventsBatch(Body text) {
    JsonNode root = parse(text, 0);
    if (root.isArray()) {
      checkCount(root.size());
    }
    return cloudEvents.batch(root);
  }

  private static void checkMediaType(String contentType, String type) {
    String expected = JSON + ", " + NDJSON + ", " + CloudEventsReader.STRUCTURED + " or " + CloudEventsReader.BATCH
        + " (or CloudEvents binary mode: ce-* headers, any body)";
    if (type == null) {
      throw RequestRejectedException.unsupportedMediaType("no Content-Type; expected " + expected);
    }
    if (!type.equals(JSON) && !type.equals(NDJSON) && !CloudEventsReader.isCloudEventsMediaType(type)) {
      throw RequestRejectedException.unsupportedMediaType(
          "Content-Type " + type + " is not accepted; expected " + expected);
    }
    checkCharset(contentType);
  }

  /**
   * In binary mode the Content-Type is the event's datacontenttype: any media type; a JSON one is
   * parsed as JSON and must be UTF-8, any other is kept as bytes.
   */
  private static void checkBinaryMediaType(String contentType, String type) {
    if (type != null && CloudEventValidator.isJson(type)) {
      checkCharset(contentType);
    }
  }

  private static void checkCharset(String contentType) {
    if (contentType.indexOf(';') < 0) {
      return; // no parameters, so no charset (the common case: not worth a split per request)
    }
    String[] parts = contentType.split(";");
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].trim().split("=", 2);
      if (kv[0].trim().equalsIgnoreCase("charset") && kv.length == 2
          && !kv[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
        throw RequestRejectedException.unsupportedMediaType(
            "charset " + kv[1].trim() + " is not accepted; JSON bodies must be UTF-8");
      }
    }
  }

  private byte[] bytes(InputStream body, long contentLength) {
    try {
      if (contentLength >= 0) {
        // Declared and within the limit (checked above): one array of exactly that size.
        byte[] data = new byte[(int) contentLength];
        int n = body.readNBytes(data, 0, data.length);
        if (n < data.length) {
          return Arrays.copyOf(data, n); // ended early: what came is judged as the body
        }
        if (body.read() >= 0) {
          throw tooLarge(-1);
        }
        return data;
      }
      // Read one byte past the limit to tell "exactly the limit" from "more" without trusting Content-Length.
      byte[] data = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxBodyBytes() + 1));
      if (data.length > limits.maxBodyBytes()) {
        throw tooLarge(-1);
      }
      return data;
    } catch (IOException e) {
      // The client went away or sent a broken chunked body: nothing to store, and not a server fault.
      throw RequestRejectedException.unreadable("the body could not be read completely: " + e.getClass().getSimpleName());
    }
  }

  private RequestRejectedException tooLarge(long length) {
    return RequestRejectedException.tooLarge("the body" + (length >= 0 ? " (" + length + " bytes)" : "")
        + " is larger than the limit of " + limits.maxBodyBytes() + " bytes; send fewer events per request");
  }

  /** Checks that {@code data} is UTF-8 without keeping a decoded copy; a byte order mark is skipped. */
  private static Body utf8(byte[] data) {
    // ASCII is UTF-8: only from the first other byte on is a decoder needed. Most single events
    // are all ASCII, and a decoder with its 16 KiB buffer cost more than the rest of the check.
    int ascii = 0;
    while (ascii < data.length && data[ascii] >= 0) {
      ascii++;
    }
    if (ascii < data.length) {
      checkUtf8(ByteBuffer.wrap(data, ascii, data.length - ascii));
    }
    // RFC 8259 lets a parser ignore a byte order mark; a producer adding one is no reason to refuse.
    boolean bom = data.length >= 3 && (data[0] & 0xff) == 0xEF && (data[1] & 0xff) == 0xBB && (data[2] & 0xff) == 0xBF;
    return bom ? new Body(data, 3, data.length - 3, null) : new Body(data, 0, data.length, null);
  }

  /** Decodes {@code in} (starting at a character boundary) into a small scratch buffer, to find bad bytes. */
  private static void checkUtf8(ByteBuffer in) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer out = CharBuffer.allocate(Math.max(2, Math.min(8192, in.remaining())));
    CoderResult result;
    do {
      out.clear();
      result = decoder.decode(in, out, true);
      if (result.isError()) {
        throw RequestRejectedException.unreadable("the body is not valid UTF-8 (" + result.length()
            + " bad byte(s)); JSON must be sent as UTF-8");
      }
    } while (result.isOverflow());
  }

  private Submission json(Body text) {
    JsonNode root = parse(text, 0);
    if (root.isObject()) {
      return new Submission(Submission.Format.SINGLE, List.of(new Submission.Item(root, "", 0)));
    }
    if (!root.isArray()) {
      throw RequestRejectedException.unreadable("the body is a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT)
          + "; expected an event (object) or a batch of events (array)");
    }
    checkCount(root.size());
    List<Submission.Item> items = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      items.add(new Submission.Item(root.get(i), "/" + i, 0));
    }
    return new Submission(Submission.Format.BATCH, items);
  }

  private Submission ndjson(Body text) {
    List<Submission.Item> items = new ArrayList<>();
    int end = text.offset() + text.length();
    int lineNumber = 0;
    for (int start = text.offset(); start <= end; ) {
      int stop = start;
      while (stop < end && text.data()[stop] != '\n') {
        stop++;
      }
      lineNumber++;
      Body line = text.slice(start, stop);
      start = stop + 1;
      if (line.isBlank()) {
        continue;
      }
      checkCount(items.size() + 1);
      items.add(new Submission.Item(parse(line, lineNumber), "", lineNumber));
    }
    return new Submission(Submission.Format.NDJSON, items);
  }

  private void checkCount(int events) {
    if (events > limits.maxEventsPerRequest()) {
      throw RequestRejectedException.tooLarge("the request holds more than " + limits.maxEventsPerRequest()
          + " events; send at most " + limits.maxEventsPerRequest() + " per request");
    }
  }

  /** Parses one JSON document; {@code line} is the NDJSON line number, or 0 for a JSON body. */
  private JsonNode parse(Body text, int line) {
    try {
      JsonNode node = text.reader().readTree(text.data(), text.offset(), text.length());
      if (node == null || node.isMissingNode()) {
        throw RequestRejectedException.unreadable(where(line, null) + "no JSON value");
      }
      return node;
    } catch (StreamConstraintsException e) {
      throw RequestRejectedException.unreadable(where(line, null) + firstLine(e.getOriginalMessage())
          + " (limits: nesting depth " + limits.maxNestingDepth() + ", string length "
          + limits.maxStringLength() + ")");
    } catch (JsonProcessingException e) {
      throw RequestRejectedException.unreadable(where(line, e.getLocation()) + "not valid JSON: "
          + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new IllegalStateException("reading JSON from memory failed", e);
    }
  }

  private static String where(int line, JsonLocation location) {
    String at = location == null || location.getLineNr() < 1 ? ""
        : "at line " + location.getLineNr() + " column " + location.getColumnNr() + ": ";
    return line > 0 ? "NDJSON line " + line + ": " + (location == null ? "" : "column " + location.getColumnNr() + ": ") : at;
  }

  private static String firstLine(String message) {
    String m = message == null ? "" : message;
    int nl = m.indexOf('\n');
    // Jackson quotes the offending token; a huge token would make a huge problem document.
    m = nl >= 0 ? m.substring(0, nl) : m;
    return m.length() > 300 ? m.substring(0, 300) + "…" : m;
  }
}
