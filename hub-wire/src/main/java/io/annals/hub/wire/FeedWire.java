package io.annals.hub.wire;

/**
 * The feed page format, defined once for the hub, which writes it, and the client SDK, which reads
 * it: member names, header names, and the canonical layout as the byte runs between values.
 *
 * <p>A page is {@code {"events":[envelope,...],"next":cursor,"stable_until":time}} and an
 * envelope {@code {"id":..,"meta":{"service":..,"type":..,"created_at":..,"aggregate_id":..,
 * "correlation_id":..,"received_at":..},"payload":..}} (DESIGN.md), times as {@link WireTime}.
 * The hub writes exactly this order with no whitespace (the canonical layout); {@code
 * correlation_id} only when set, {@code received_at} only for stored events, {@code stable_until}
 * only on feed pages. A reader must accept any JSON with these members; the SDK matches the
 * canonical layout byte for byte and falls back to a tokenizer for anything else.
 */
public final class FeedWire {

  // Member names.
  public static final String EVENTS = "events";
  public static final String NEXT = "next";
  public static final String STABLE_UNTIL = "stable_until";
  public static final String ID = "id";
  public static final String META = "meta";
  public static final String SERVICE = "service";
  public static final String TYPE = "type";
  public static final String CREATED_AT = "created_at";
  public static final String AGGREGATE_ID = "aggregate_id";
  public static final String CORRELATION_ID = "correlation_id";
  public static final String RECEIVED_AT = "received_at";
  public static final String PAYLOAD = "payload";
  /**
   * {@code meta.extensions}, after {@code received_at}, only when the event has any: an object of
   * strings by name (CloudEvents extension attributes). Pages holding it leave the canonical layout.
   */
  public static final String EXTENSIONS = "extensions";
  /** {@code GET /feed/lag}: {@code {"events": n, "oldest_received_at": time or null, "stable_until": time}}. */
  public static final String LAG_EVENTS = "events";
  public static final String LAG_OLDEST_RECEIVED_AT = "oldest_received_at";

  // Headers on a feed page, which arrive before the body, so a reader can ask for the next page before decoding this one.
  /** The page's {@code next} cursor. */
  public static final String NEXT_CURSOR_HEADER = "Annals-Next-Cursor";
  /** How many events the page holds: a reader that sees its limit asks for the next page at once. */
  public static final String EVENT_COUNT_HEADER = "Annals-Event-Count";
  /** The page's {@code stable_until}. */
  public static final String STABLE_UNTIL_HEADER = "Annals-Stable-Until";

  // The canonical layout: the runs between values, in the order they appear.
  public static final ByteRun PAGE_START = ByteRun.of("{\"" + EVENTS + "\":[");
  public static final ByteRun PAGE_NEXT = ByteRun.of("],\"" + NEXT + "\":");
  public static final ByteRun PAGE_STABLE_UNTIL = ByteRun.of(",\"" + STABLE_UNTIL + "\":");
  public static final ByteRun ENVELOPE_ID = ByteRun.of("{\"" + ID + "\":");
  public static final ByteRun ENVELOPE_SERVICE = ByteRun.of(",\"" + META + "\":{\"" + SERVICE + "\":");
  public static final ByteRun ENVELOPE_TYPE = ByteRun.of(",\"" + TYPE + "\":");
  public static final ByteRun ENVELOPE_CREATED_AT = ByteRun.of(",\"" + CREATED_AT + "\":");
  public static final ByteRun ENVELOPE_AGGREGATE_ID = ByteRun.of(",\"" + AGGREGATE_ID + "\":");
  public static final ByteRun ENVELOPE_CORRELATION_ID = ByteRun.of(",\"" + CORRELATION_ID + "\":");
  public static final ByteRun ENVELOPE_RECEIVED_AT = ByteRun.of(",\"" + RECEIVED_AT + "\":");
  public static final ByteRun ENVELOPE_EXTENSIONS = ByteRun.of(",\"" + EXTENSIONS + "\":{");
  public static final ByteRun ENVELOPE_PAYLOAD = ByteRun.of("},\"" + PAYLOAD + "\":");
  public static final ByteRun NULL = ByteRun.of("null");
  public static final ByteRun TRUE = ByteRun.of("true");
  public static final ByteRun FALSE = ByteRun.of("false");

  private FeedWire() {}
}
