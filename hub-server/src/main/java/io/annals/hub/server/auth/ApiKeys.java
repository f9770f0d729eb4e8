package io.annals.hub.server.auth;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hub's API keys, loaded from the keys file ({@code HUB_API_KEYS_FILE}):
 * {@code {"keys": [{"name": "billing-prod", "sha256": "<hex>", "role": "producer", "services": ["billing"]}]}}.
 * Only the SHA-256 of each key is held. {@link #lookup} hashes a presented key and compares it
 * with every entry in constant time. Immutable and thread-safe; nothing here logs.
 */
public final class ApiKeys {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> FIELDS = Set.of("name", "sha256", "role", "services");
  private static final HexFormat HEX = HexFormat.of();
  private static final String EMPTY_KEY_SHA256 = sha256Hex("");

  private final List<Entry> entries;

  private ApiKeys(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads and validates the keys file.
   *
   * @throws ApiKeysException when it cannot be read or any entry is wrong; the message names both
   */
  public static ApiKeys load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ApiKeysException("API keys file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new ApiKeysException("cannot read API keys file " + file + ": " + e, e);
    }
    return parse(bytes, "API keys file " + file);
  }

  /**
   * Validates a keys document; {@code source} names it in messages (e.g. {@code "API keys file keys.json"}).
   *
   * @throws ApiKeysException when the document or any entry is wrong
   */
  public static ApiKeys parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ApiKeysException(source + " is not valid JSON" + where(e), e);
    } catch (IOException e) {
      throw new ApiKeysException(source + " cannot be read: " + e, e);
    }
    if (root == null || !root.isObject() || !root.path("keys").isArray()) {
      throw new ApiKeysException(source + " must be a JSON object {\"keys\": [...]}");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.equals("keys")) {
        throw new ApiKeysException(source + ": unknown field " + Quoting.quote(field) + "; expected only \"keys\"");
      }
    }
    JsonNode keys = root.get("keys");
    if (keys.isEmpty()) {
      throw new ApiKeysException(source + " has no keys; expected at least one entry"
          + " (make one with: annals-ops keygen --name NAME --role ROLE)");
    }
    List<Entry> entries = new ArrayList<>();
    Map<String, Integer> byName = new HashMap<>();
    Map<String, Integer> byHash = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      Entry entry = entry(keys.get(i), source + ": keys[" + i + "]");
      Integer other = byName.putIfAbsent(entry.principal.name(), i);
      if (other != null) {
        throw new ApiKeysException(source + ": keys[" + other + "] and keys[" + i + "] have the same name "
            + Quoting.quote(entry.principal.name()) + "; names must be unique");
      }
      other = byHash.putIfAbsent(HEX.formatHex(entry.sha256), i);
      if (other != null) {
        throw new ApiKeysException(source + ": keys[" + other + "] (\"" + entries.get(other).principal.name()
            + "\") and keys[" + i + "] (\"" + entry.principal.name() + "\") have the same sha256;"
            + " one key must not have two identities");
      }
      entries.add(entry);
    }
    return new ApiKeys(entries);
  }

  private static Entry entry(JsonNode node, String index) {
    if (!node.isObject()) {
      throw new ApiKeysException(index + " must be an object {\"name\", \"sha256\", \"role\", \"services\"}");
    }
    JsonNode nameNode = node.get("name");
    if (nameNode == null || !nameNode.isTextual()) {
      throw new ApiKeysException(index + ": \"name\" is missing or not a string");
    }
    String name = nameNode.asText();
    String at = index + " (" + Quoting.quote(name) + ")";
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new ApiKeysException(at + ": unknown field " + Quoting.quote(field) + "; expected name, sha256, role, services");
      }
    }
    byte[] sha256 = sha256(node.get("sha256"), at);
    JsonNode roleNode = node.get("role");
    if (roleNode == null || !roleNode.isTextual()) {
      throw new ApiKeysException(at + ": \"role\" is missing or not a string; expected producer, reader or admin");
    }
    Role role = Role.fromWireName(roleNode.asText()).orElseThrow(() -> new ApiKeysException(
        at + ": \"role\" is " + Quoting.quote(roleNode.asText()) + "; expected producer, reader or admin"));
    Set<String> services = services(node.get("services"), at);
    try {
      return new Entry(sha256, new Principal(name, role, services));
    } catch (IllegalArgumentException e) {
      throw new ApiKeysException(at + ": " + e.getMessage(), e);
    }
  }

  // Never quotes the value: an operator may have pasted the key itself here by mistake.
  private static byte[] sha256(JsonNode node, String at) {
    if (node == null || !node.isTextual()) {
      throw new ApiKeysException(at + ": \"sha256\" is missing or not a string; expected 64 hexadecimal digits");
    }
    String text = node.asText();
    if (text.length() != 64) {
      String hint = text.length() == 43 ? " (that is the length of a key: store its SHA-256, never the key)" : "";
      throw new ApiKeysException(at + ": \"sha256\" has " + text.length() + " characters" + hint
          + "; expected 64 hexadecimal digits, the SHA-256 of the key as annals-ops keygen prints it");
    }
    if (!text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new ApiKeysException(at + ": \"sha256\" holds a character that is not a hexadecimal digit;"
          + " expected 64 of 0-9 and a-f");
    }
    if (text.equalsIgnoreCase(EMPTY_KEY_SHA256)) {
      throw new ApiKeysException(at + ": \"sha256\" is the SHA-256 of an empty key; expected that of a generated key");
    }
    return HEX.parseHex(text.toLowerCase(Locale.ROOT));
  }

  private static Set<String> services(JsonNode node, String at) {
    Set<String> services = new LinkedHashSet<>();
    if (node == null || node.isNull()) {
      return services;
    }
    if (!node.isArray()) {
      throw new ApiKeysException(at + ": \"services\" must be an array of meta.service names");
    }
    for (JsonNode service : node) {
      if (!service.isTextual()) {
        throw new ApiKeysException(at + ": \"services\" must hold only strings, found " + service.getNodeType());
      }
      services.add(service.asText());
    }
    return services;
  }

  private static String where(JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    // Jackson's own message may quote the offending text, which could be a key pasted in by mistake.
    String original = e.getOriginalMessage();
    String reason = original != null && original.startsWith("Duplicate field") ? ": " + original : "";
    return location == null ? reason
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr() + reason;
  }

  /**
   * The principal whose key is {@code presentedKey}, or empty. Hashes the key and compares the hash
   * with every entry, without stopping at a match, so the time taken does not tell which entry
   * (if any) matched.
   */
  public Optional<Principal> lookup(String presentedKey) {
    if (presentedKey == null || presentedKey.isEmpty()) {
      return Optional.empty();
    }
    byte[] digest = digest(presentedKey);
    Principal found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.sha256, digest)) {
        found = entry.principal;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Every principal, in file order. */
  public List<Principal> principals() {
    return entries.stream().map(e -> e.principal).toList();
  }

  public int size() {
    return entries.size();
  }

  /** The lower-case hex SHA-256 of {@code key}'s UTF-8 bytes: the form the keys file stores. */
  public static String sha256Hex(String key) {
    return HEX.formatHex(digest(key));
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ApiKeys" + principals().stream().map(Principal::name).toList();
  }

  private static final class Entry {
    final byte[] sha256;
    final Principal principal;

    Entry(byte[] sha256, Principal principal) {
      this.sha256 = sha256;
      this.principal = principal;
    }
  }
}
