package io.annals.hub.server.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code meta.extensions}: the CloudEvents extension attributes of an event (README, "CloudEvents"),
 * string values by name. Names are CloudEvents attribute names (lower-case ASCII letters and
 * digits); the few names with an underscore are written by the hub itself when it turns a
 * CloudEvent into an event, so that the CloudEvent can be given back as it was sent. A CloudEvents
 * attribute name can never contain an underscore, so they never meet a producer's extension.
 */
public final class Extensions {

  /** Most extensions a producer may send with one event (the hub's own names do not count). */
  public static final int MAX_COUNT = 32;
  /** Longest extension name (CloudEvents recommends at most 20 characters). */
  public static final int MAX_NAME_LENGTH = 64;
  /** Longest extension value, in characters: room for a W3C {@code tracestate} (512) and more. */
  public static final int MAX_VALUE_LENGTH = 4096;

  /** The CloudEvent's {@code id} as sent, when the hub's id differs from it (not a UUID, or not lower case). */
  public static final String CE_ID = "ce_id";
  /**
   * The optional attributes the CloudEvent did not carry, space-separated in this order: {@code
   * time} (then {@code created_at} is the hub's receive time), {@code subject} (then {@code
   * aggregate_id} is the {@code source}), {@code datacontenttype}, {@code data} (then the payload is {@code {}}).
   */
  public static final String CE_ABSENT = "ce_absent";
  /** The CloudEvent's {@code datacontenttype} as sent, when it was not exactly {@code application/json}. */
  public static final String CE_DATACONTENTTYPE = "ce_datacontenttype";
  /**
   * How the payload holds data that is not a JSON object: {@value #DATA_JSON} (the payload is
   * {@code {"data": value}}, the value as sent) or {@value #DATA_BASE64} (the payload is {@code
   * {"data_base64": "..."}}, the bytes in standard Base64 with padding). Absent: the payload is the data.
   */
  public static final String CE_DATA = "ce_data";
  public static final String DATA_JSON = "json";
  public static final String DATA_BASE64 = "base64";

  /** The names only the hub's CloudEvents intake writes (a native producer may send them back as read). */
  public static final Set<String> HUB_NAMES = Set.of(CE_ID, CE_ABSENT, CE_DATACONTENTTYPE, CE_DATA);

  /** A CloudEvents 1.0 attribute name: lower-case ASCII letters and digits. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9]+");

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

  private Extensions() {}

  /** True when {@code event} came as a CloudEvent without {@code time}. */
  public static boolean timeAbsent(Event event) {
    return absent(event, "time");
  }

  /** True when {@link #CE_ABSENT} lists {@code attribute}. */
  public static boolean absent(Event event, String attribute) {
    String absent = event.extensions().get(CE_ABSENT);
    if (absent == null) {
      return false;
    }
    for (String a : absent.split(" ")) {
      if (a.equals(attribute)) {
        return true;
      }
    }
    return false;
  }

  /** The extensions as a JSON object sorted by name, or null when there are none (how the stores keep them). */
  public static String toJson(Map<String, String> extensions) {
    if (extensions.isEmpty()) {
      return null;
    }
    try {
      return JSON.writeValueAsString(extensions);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write extensions as JSON", e);
    }
  }

  /** The extensions a store kept with {@link #toJson}; null is none. */
  public static Map<String, String> fromJson(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored extensions are not a JSON object of strings: " + e.getOriginalMessage(), e);
    }
  }
}
