package io.annals.hub.server.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  public PayloadSalts {
    byMember = Collections.unmodifiableMap(new LinkedHashMap<>(byMember));
  }

  /** Fresh salts for every top-level member of the payload. */
  public static PayloadSalts fresh(String payloadJson, SecureRandom random) {
    return fresh(LeafEncoding.members(payloadJson), random);
  }

  /** Fresh salts for these members (the payload's, read once by the appender). */
  static PayloadSalts fresh(List<PayloadMember> members, SecureRandom random) {
    Map<String, byte[]> salts = new LinkedHashMap<>();
    for (PayloadMember m : members) {
      if (io.annals.hub.server.event.ErasureMarker.keptDigest(m.valueJson()).isPresent()) {
        continue; // erased elsewhere (an import): the leaf commits to the digest it kept, no salt needed
      }
      byte[] salt = new byte[LeafEncoding.SALT_BYTES];
      random.nextBytes(salt);
      salts.put(m.name(), salt);
    }
    return new PayloadSalts(salts);
  }

  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    byMember.forEach((name, salt) -> o.put(name, Base64.getUrlEncoder().withoutPadding().encodeToString(salt)));
    return o.toString();
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
