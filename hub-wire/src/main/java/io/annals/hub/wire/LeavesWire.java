package io.annals.hub.wire;

/**
 * The page of ledger leaves ({@code GET /ledger/leaves}), defined once for the hub, which writes
 * it, and {@code annals-ops export}, which cuts it: {@code {"leaves":[leaf,...],"next":index or
 * null}}, a leaf {@code {"leaf_index":n,"id":..,"received_at":..,"leaf_hash":hex,
 * "payload_salts":{member:salt,..}}} in this order with no whitespace (the canonical layout),
 * times as {@link WireTime}. A reader must accept any JSON with these members; the export matches
 * the canonical layout byte for byte and falls back to a tokenizer for anything else.
 */
public final class LeavesWire {

  public static final String LEAVES = "leaves";
  public static final String NEXT = "next";

  // The canonical layout: the runs between values, in the order they appear.
  public static final ByteRun PAGE_START = ByteRun.of("{\"" + LEAVES + "\":[");
  public static final ByteRun LEAF_INDEX = ByteRun.of("{\"leaf_index\":");
  public static final ByteRun LEAF_ID = ByteRun.of(",\"id\":");
  public static final ByteRun LEAF_RECEIVED_AT = ByteRun.of(",\"received_at\":");
  public static final ByteRun LEAF_HASH = ByteRun.of(",\"leaf_hash\":");
  public static final ByteRun LEAF_PAYLOAD_SALTS = ByteRun.of(",\"payload_salts\":");
  public static final ByteRun PAGE_NEXT = ByteRun.of("],\"" + NEXT + "\":");

  private LeavesWire() {}
}
