package io.annals.hub.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CloudEvents 1.0 HTTP binding's three modes, read into a {@link Submission} of CloudEvent
 * objects for {@link CloudEventValidator}: structured ({@code application/cloudevents+json}, one
 * event), batch ({@code application/cloudevents-batch+json}, an array) and binary ({@code ce-*}
 * headers carry the attributes, the body is {@code data}, its Content-Type is
 * {@code datacontenttype}; a body that is not JSON is kept as bytes). Whole-request faults are thrown like {@link RequestReader}'s.
 */
final class CloudEventsReader {

  static final String STRUCTURED = "application/cloudevents+json";
  static final String BATCH = "application/cloudevents-batch+json";
  /** Binary-mode headers start with this (case-insensitive). */
  static final String HEADER_PREFIX = "ce-";

  private final ObjectMapper json;

  CloudEventsReader(ObjectMapper json) {
    this.json = json;
  }

  static boolean isCloudEventsMediaType(String mediaType) {
    return mediaType.equals(STRUCTURED) || mediaType.equals(BATCH);
  }

  /** One structured-mode event: the body must be one JSON object. */
  Submission structured(JsonNode root) {
    if (!root.isObject()) {
      throw RequestRejectedException.unreadable("the body is a JSON " + kind(root) + "; " + STRUCTURED
          + " carries one CloudEvent (an object); send several as " + BATCH);
    }
    return new Submission(Submission.Format.SINGLE, List.of(new Submission.Item(root, "", 0)),
        Submission.Form.CLOUDEVENT);
  }

  /** A batch: the body must be a JSON array of CloudEvent objects (an empty one is a batch of none). */
  Submission batch(JsonNode root) {
    if (!root.isArray()) {
      throw RequestRejectedException.unreadable("the body is a JSON " + kind(root) + "; " + BATCH
          + " carries an array of CloudEvents");
    }
    List<Submission.Item> items = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      items.add(new Submission.Item(root.get(i), "/" + i, 0));
    }
    return new Submission(Submission.Format.BATCH, items, Submission.Form.CLOUDEVENT);
  }

  /**
   * One binary-mode event.
   *
   * @param headers the request's {@code ce-*} headers, names in lower case with the prefix
   * @param contentType the request's Content-Type (the event's {@code datacontenttype}), may be null
   * @param data the parsed body when its Content-Type is JSON, else null
   * @param bytes the body when its Content-Type is not JSON (or absent), else null; both null: no data
   */
  Submission binary(Map<String, String> headers, String contentType, JsonNode data, byte[] bytes) {
    ObjectNode ce = json.createObjectNode();
    headers.forEach((name, value) -> {
      String attribute = name.substring(HEADER_PREFIX.length());
      if (attribute.equals("data") || attribute.equals("data_base64")) {
        throw RequestRejectedException.unreadable("header " + name + " is not a CloudEvents attribute; in binary mode"
            + " the body is the data");
      }
      ce.put(attribute, percentDecoded(name, value));
    });
    if (contentType != null && !contentType.isBlank()) {
      ce.put("datacontenttype", contentType);
    }
    if (data != null) {
      ce.set("data", data);
    } else if (bytes != null) {
      // The bytes as the JSON format carries them; the validator keeps them byte for byte.
      ce.put("data_base64", Base64.getEncoder().encodeToString(bytes));
    }
    return new Submission(Submission.Format.SINGLE, List.of(new Submission.Item(ce, "", 0)),
        Submission.Form.CLOUDEVENT_BINARY);
  }

  /**
   * The binding percent-encodes header values outside printable ASCII (and space, {@code "} and
   * {@code %}) as UTF-8; a value that does not decode cannot be read, so the request is refused.
   */
  static String percentDecoded(String header, String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw RequestRejectedException.unreadable("header " + header + " has a broken percent-encoding at index "
              + i + "; expected %XX with two hex digits");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        // Jetty hands header bytes over as ISO-8859-1 characters; keep them as those bytes.
        bytes.write(c & 0xff);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw RequestRejectedException.unreadable("header " + header + " is not percent-encoded UTF-8");
    }
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
