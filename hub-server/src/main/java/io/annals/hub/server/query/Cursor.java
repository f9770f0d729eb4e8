package io.annals.hub.server.query;

import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.Position;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * Opaque paging cursors: base64url (no padding) of {@code version, kind, position, CRC-32}.
 *
 * <p>A cursor is only a position in an order, never a permission: it carries no filter and no
 * secret, so a reader who forges one learns nothing they could not ask for directly. The CRC
 * catches a cursor damaged in transit or by hand (a cut copy, an edited character); the version
 * lets a later hub change the layout and still read (or clearly refuse) old cursors; the kind keeps
 * a playback cursor out of the feed and the other way round. Whatever the text, decoding either
 * answers a position or throws {@link BadParametersException} naming the parameter.
 *
 * <p>Layout of version 1, big-endian: {@code 0x01}, kind, then for {@link Kind#START} nothing;
 * for {@link Kind#POSITION} {@code received_at} (epoch µs, int64), id (length byte, UTF-8); for
 * {@link Kind#AGGREGATE} {@code created_at}, {@code received_at}, id; then the CRC-32 of all that.
 */
public final class Cursor {

  private static final byte VERSION = 1;
  private static final int MAX_ID_BYTES = 255;
  private static final int MAX_TEXT = 512;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private enum Kind {
    START, POSITION, AGGREGATE
  }

  private Cursor() {}

  /** The cursor before every event: reading after it starts at the beginning of history. */
  public static String start() {
    return encode(ByteBuffer.allocate(2).put(VERSION).put((byte) Kind.START.ordinal()));
  }

  /** A cursor strictly after {@code p} in {@code (received_at, id)} order. */
  public static String of(Position p) {
    byte[] id = id(p.id());
    return encode(ByteBuffer.allocate(2 + 8 + 1 + id.length)
        .put(VERSION).put((byte) Kind.POSITION.ordinal())
        .putLong(EpochMicros.of(p.receivedAt()))
        .put((byte) id.length).put(id));
  }

  /** A cursor strictly after {@code p} in one aggregate's {@code (created_at, received_at, id)} order. */
  public static String of(AggregatePosition p) {
    byte[] id = id(p.id());
    return encode(ByteBuffer.allocate(2 + 16 + 1 + id.length)
        .put(VERSION).put((byte) Kind.AGGREGATE.ordinal())
        .putLong(EpochMicros.of(p.createdAt()))
        .putLong(EpochMicros.of(p.receivedAt()))
        .put((byte) id.length).put(id));
  }

  /**
   * The position of a feed or query cursor; null for {@link #start()}.
   *
   * @param parameter the parameter the cursor came in, for the error
   * @throws BadParametersException when {@code text} is not such a cursor
   */
  public static Position position(String text, String parameter) {
    ByteBuffer in = decode(text, parameter);
    Kind kind = kind(in, parameter);
    if (kind == Kind.START) {
      end(in, parameter);
      return null;
    }
    if (kind != Kind.POSITION) {
      throw bad(parameter, "this is a cursor of an aggregate's history, not of this list");
    }
    Instant receivedAt = micros(in, parameter);
    String id = id(in, parameter);
    end(in, parameter);
    return new Position(receivedAt, id);
  }

  /**
   * The position of an aggregate history cursor; null for {@link #start()}.
   *
   * @throws BadParametersException when {@code text} is not such a cursor
   */
  public static AggregatePosition aggregatePosition(String text, String parameter) {
    ByteBuffer in = decode(text, parameter);
    Kind kind = kind(in, parameter);
    if (kind == Kind.START) {
      end(in, parameter);
      return null;
    }
    if (kind != Kind.AGGREGATE) {
      throw bad(parameter, "this is a cursor of the feed or of GET /events, not of an aggregate's history");
    }
    Instant createdAt = micros(in, parameter);
    Instant receivedAt = micros(in, parameter);
    String id = id(in, parameter);
    end(in, parameter);
    return new AggregatePosition(createdAt, receivedAt, id);
  }

  private static String encode(ByteBuffer body) {
    byte[] content = body.array();
    CRC32 crc = new CRC32();
    crc.update(content);
    return ENCODER.encodeToString(ByteBuffer.allocate(content.length + 4).put(content).putInt((int) crc.getValue()).array());
  }

  /** The content of a cursor whose version and checksum are right, positioned after the version. */
  private static ByteBuffer decode(String text, String parameter) {
    if (text.isEmpty() || text.length() > MAX_TEXT) {
      throw bad(parameter, "not a cursor of this hub (empty or too long); pass the next value of an earlier answer");
    }
    byte[] raw;
    try {
      raw = DECODER.decode(text);
    } catch (IllegalArgumentException e) {
      throw bad(parameter, "not a cursor of this hub (not base64url); pass the next value of an earlier answer unchanged");
    }
    // The decoder ignores unused bits of the last character; only the canonical text is the cursor.
    if (!ENCODER.encodeToString(raw).equals(text)) {
      throw bad(parameter, "not a cursor of this hub (not canonical base64url); pass the next value of an earlier answer unchanged");
    }
    if (raw.length < 2 + 4) {
      throw bad(parameter, "not a cursor of this hub (too short); pass the next value of an earlier answer unchanged");
    }
    CRC32 crc = new CRC32();
    crc.update(raw, 0, raw.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(raw, raw.length - 4, 4).getInt()) {
      throw bad(parameter, "damaged cursor (checksum mismatch); pass the next value of an earlier answer unchanged");
    }
    if (raw[0] != VERSION) {
      throw bad(parameter, "cursor version " + raw[0] + " is not understood by this hub (version " + VERSION + ")");
    }
    return ByteBuffer.wrap(raw, 1, raw.length - 1 - 4).slice();
  }

  private static Kind kind(ByteBuffer in, String parameter) {
    int kind = in.get();
    if (kind < 0 || kind >= Kind.values().length) {
      throw bad(parameter, "unknown cursor kind " + kind);
    }
    return Kind.values()[kind];
  }

  private static Instant micros(ByteBuffer in, String parameter) {
    if (in.remaining() < 8) {
      throw bad(parameter, "truncated cursor");
    }
    return EpochMicros.toInstant(in.getLong());
  }

  private static String id(ByteBuffer in, String parameter) {
    if (in.remaining() < 1) {
      throw bad(parameter, "truncated cursor");
    }
    int length = Byte.toUnsignedInt(in.get());
    if (in.remaining() < length) {
      throw bad(parameter, "truncated cursor");
    }
    byte[] id = new byte[length];
    in.get(id);
    return new String(id, StandardCharsets.UTF_8);
  }

  private static void end(ByteBuffer in, String parameter) {
    if (in.hasRemaining()) {
      throw bad(parameter, "cursor has " + in.remaining() + " unexpected trailing byte(s)");
    }
  }

  private static byte[] id(String id) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_ID_BYTES) {
      throw new IllegalArgumentException("an event id of " + bytes.length + " bytes cannot be in a cursor (at most " + MAX_ID_BYTES + ")");
    }
    return bytes;
  }

  private static BadParametersException bad(String parameter, String detail) {
    return new BadParametersException(parameter, detail);
  }
}
