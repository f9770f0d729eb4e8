package io.annals.hub.server.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One random salt per top-level payload member, stored beside the leaf: the openings of the
 * payload commitment. Random, not derived from any secret, so publishing a salt (with a proof)
 * reveals nothing about another; and an erasure that drops a value drops its salt too, leaving a
 * digest that cannot be brute-forced back into a short value.
 *
 * <p>Stored and served as a JSON object, member name to unpadded base64url salt.
 */
public record PayloadSalts(Map<String, byte[]> byMember) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  public PayloadSalts {
    byMember = Collections.unmodifiableMap(new LinkedHashMap<>(byMember));
  }

  /** Fresh salts for every top-level member of the payload. */
  public static PayloadSalts fresh(String payloadJson, SecureRandom random) {
    return fresh(LeafEncoding.members(payloadJson), random);
  }

  /** Fresh salts for these members (the payload's, read once), drawn from {@code random} at once. */
  static PayloadSalts fresh(List<PayloadMember> members, SecureRandom random) {
    byte[] bytes = new byte[needed(members) * LeafEncoding.SALT_BYTES];
    random.nextBytes(bytes);
    return fresh(members, ByteBuffer.wrap(bytes));
  }

  /**
   * Fresh salts for these members, each the next {@link LeafEncoding#SALT_BYTES} of
   * {@code randomBytes} (which must hold {@link #needed} salts): the appender draws a whole batch's
   * salts with one {@code nextBytes}, which takes the generator's lock and mixes its state once per
   * call whatever the length (issue 29). Slices of one draw are as independent as separate draws.
   */
  static PayloadSalts fresh(List<PayloadMember> members, ByteBuffer randomBytes) {
    Map<String, byte[]> salts = new LinkedHashMap<>();
    for (PayloadMember m : members) {
      if (!needsSalt(m)) {
        continue;
      }
      byte[] salt = new byte[LeafEncoding.SALT_BYTES];
      randomBytes.get(salt);
      salts.put(m.name(), salt);
    }
    return new PayloadSalts(salts);
  }

  /** How many salts {@link #fresh} takes for these members. */
  static int needed(List<PayloadMember> members) {
    int n = 0;
    for (PayloadMember m : members) {
      if (needsSalt(m)) {
        n++;
      }
    }
    return n;
  }

  private static boolean needsSalt(PayloadMember m) {
    // Erased elsewhere (an import): the leaf commits to the digest it kept, no salt needed.
    return io.annals.hub.server.event.ErasureMarker.keptDigest(m.valueJson()).isEmpty();
  }

  /**
   * The stored form, {@code {"name":"salt",...}}: the text Jackson writes for the same object,
   * written here without building a tree and a generator per leaf (issue 29). Names are escaped
   * by Jackson's own string quoting; salts are base64url, which needs none.
   */
  public String toJson() {
    StringBuilder out = new StringBuilder(2 + byMember.size() * 48);
    out.append('{');
    byMember.forEach((name, salt) -> {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append('"');
      JsonStringEncoder.getInstance().quoteAsString(name, out);
      out.append("\":\"").append(BASE64URL.encodeToString(salt)).append('"');
    });
    return out.append('}').toString();
  }

  public static PayloadSalts fromJson(String json) {
    try {
      JsonNode o = JSON.readTree(json);
      if (o == null || !o.isObject()) {
        throw new IllegalArgumentException("payload salts are a JSON object");
      }
      Map<String, byte[]> salts = new LinkedHashMap<>();
      o.fields().forEachRemaining(e -> salts.put(e.getKey(), Base64.getUrlDecoder().decode(e.getValue().asText())));
      return new PayloadSalts(salts);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("payload salts are not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
