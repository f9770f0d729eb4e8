package io.annals.hub.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.Extensions;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.PayloadMember;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.wire.FeedWire;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stored events as CloudEvents 1.0 in the JSON event format, for readers that ask for them with
 * {@code Accept}: one event in structured form ({@code application/cloudevents+json}), a list in
 * batch form ({@code application/cloudevents-batch+json}, a bare JSON array). The mapping is the
 * reverse of ingestion's; {@code received_at} becomes the extension {@code receivedat}; an event
 * that came as a CloudEvent is given back as sent (see {@link #event}), a native one with {@code
 * datacontenttype} {@code application/json} and its {@code meta.extensions} as extensions. A batch has no room for a page's
 * {@code next} cursor or {@code stable_until}, so they travel in the headers {@value #NEXT_HEADER}
 * (absent when there is no next page) and {@value #STABLE_UNTIL_HEADER}.
 */
public final class CloudEventsJson {

  public static final String STRUCTURED = "application/cloudevents+json";
  public static final String BATCH = "application/cloudevents-batch+json";
  /** The page's {@code next} cursor, on a batch answer. */
  public static final String NEXT_HEADER = FeedWire.NEXT_CURSOR_HEADER;
  /** The feed page's {@code stable_until}, on a batch answer. */
  public static final String STABLE_UNTIL_HEADER = FeedWire.STABLE_UNTIL_HEADER;

  private CloudEventsJson() {}

  /** What one event can be sent as, in the hub's order of preference. */
  static final List<String> ONE_EVENT_FORMS = List.of("application/json", STRUCTURED);
  /**
   * What a list of events can be sent as, in the hub's order of preference; a reader asking for
   * {@code application/cloudevents+json} gets the batch form (a list has no structured form).
   */
  static final List<String> LIST_FORMS = List.of("application/json", BATCH, STRUCTURED);

  /**
   * True when the request's {@code Accept} prefers {@code application/cloudevents+json} to native
   * JSON for one event (RFC 9110 negotiation, {@link MediaNegotiation}); a {@code 406} problem when
   * it accepts neither.
   */
  public static boolean wantsStructured(Context ctx) {
    return !MediaNegotiation.choose(ctx, ONE_EVENT_FORMS).equals("application/json");
  }

  /** As {@link #wantsStructured} for a list: true when a CloudEvents form is preferred. */
  public static boolean wantsBatch(Context ctx) {
    return !MediaNegotiation.choose(ctx, LIST_FORMS).equals("application/json");
  }

  /**
   * {@code stored} as one CloudEvent in the JSON event format, as it was sent when it came as one:
   * its original {@code id}, {@code time}, {@code subject} and {@code datacontenttype} only when
   * sent, every extension, and the data as sent ({@link Extensions}).
   */
  public static ObjectNode event(EventJson json, StoredEvent stored) {
    Event e = stored.event();
    Map<String, String> ext = e.extensions();
    ObjectNode ce = json.object();
    ce.put("specversion", "1.0");
    ce.put("id", ext.getOrDefault(Extensions.CE_ID, e.id()));
    ce.put("source", e.service());
    ce.put("type", e.type());
    if (!Extensions.absent(e, "time")) {
      ce.put("time", EventJson.time(e.createdAt()));
    }
    if (!Extensions.absent(e, "subject")) {
      ce.put("subject", e.aggregateId());
    }
    if (e.correlationId() != null) {
      ce.put("correlationid", e.correlationId());
    }
    ext.forEach((name, value) -> {
      if (!Extensions.HUB_NAMES.contains(name)) {
        ce.put(name, value);
      }
    });
    ce.put("receivedat", EventJson.time(stored.receivedAt()));
    String contentType = ext.get(Extensions.CE_DATACONTENTTYPE);
    if (contentType != null) {
      ce.put("datacontenttype", contentType);
    } else if (!Extensions.absent(e, "datacontenttype")) {
      ce.put("datacontenttype", "application/json");
    }
    if (!Extensions.absent(e, "data")) {
      data(ce, e.payloadJson(), ext.get(Extensions.CE_DATA));
    }
    return ce;
  }

  /**
   * The data as sent: the stored text itself (so decimals come back exactly), or the one member
   * of the payload that holds it ({@code data} or {@code data_base64}). A payload that lost that
   * member (to an erasure) is given back whole as {@code data}.
   */
  private static void data(ObjectNode ce, String payloadJson, String held) {
    String member = Extensions.DATA_BASE64.equals(held) ? "data_base64" : Extensions.DATA_JSON.equals(held) ? "data" : null;
    if (member != null) {
      for (PayloadMember m : LeafEncoding.members(payloadJson)) {
        if (m.name().equals(member)) {
          ce.putRawValue(member, new RawValue(m.valueJson()));
          return;
        }
      }
    }
    ce.putRawValue("data", new RawValue(payloadJson));
  }

  /** Answers 200 with {@code stored} in structured form. */
  public static void send(Context ctx, EventJson json, StoredEvent stored) {
    ctx.status(200).contentType(STRUCTURED).result(json.bytes(event(json, stored)));
  }

  /**
   * Answers 200 with {@code events} in batch form.
   *
   * @param next the page's next cursor, or null when there is none
   * @param stableUntil the feed's stable point, or null for answers that have none
   */
  public static void sendBatch(Context ctx, EventJson json, List<StoredEvent> events, String next, Instant stableUntil) {
    ArrayNode batch = json.object().arrayNode();
    for (StoredEvent stored : events) {
      batch.add(event(json, stored));
    }
    if (next != null) {
      ctx.header(NEXT_HEADER, next);
    }
    if (stableUntil != null) {
      ctx.header(STABLE_UNTIL_HEADER, EventJson.time(stableUntil));
    }
    ctx.status(200).contentType(BATCH).result(json.bytes(batch));
  }
}
