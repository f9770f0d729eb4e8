package io.annals.hub.server.auth;

import static io.annals.hub.server.auth.TestKeys.document;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

  private static final String SOME_HASH = ApiKeys.sha256Hex("some key");

  @Nested
  class Lookup {

    @Test
    void a_presented_key_is_found_by_its_hash_with_its_role_and_services() {
      ApiKeys keys = TestKeys.keys();

      assertThat(keys.lookup(TestKeys.PRODUCER_KEY))
          .contains(new Principal("billing-prod", Role.PRODUCER, Set.of("billing", "invoicing")));
      assertThat(keys.lookup(TestKeys.READER_KEY)).contains(new Principal("reports", Role.READER, Set.of()));
      assertThat(keys.lookup(TestKeys.ADMIN_KEY)).contains(new Principal("ops", Role.ADMIN, Set.of()));
    }

    @Test
    void a_key_that_is_not_in_the_file_is_not_found() {
      ApiKeys keys = TestKeys.keys();

      assertThat(keys.lookup(TestKeys.PRODUCER_KEY + "x")).isEmpty();
      assertThat(keys.lookup(TestKeys.PRODUCER_KEY.toUpperCase(Locale.ROOT))).isEmpty();
      assertThat(keys.lookup(ApiKeys.sha256Hex(TestKeys.PRODUCER_KEY))).as("the hash itself is not a key").isEmpty();
      assertThat(keys.lookup("")).isEmpty();
      assertThat(keys.lookup(null)).isEmpty();
    }

    @Test
    void hashes_in_upper_case_hex_are_accepted() {
      ApiKeys keys = ApiKeys.parse(document(
          "{\"name\": \"a\", \"sha256\": \"" + SOME_HASH.toUpperCase(Locale.ROOT) + "\", \"role\": \"reader\"}"), "t");

      assertThat(keys.lookup("some key")).map(Principal::name).contains("a");
    }

    @Test
    void the_hash_is_sha256_of_the_keys_utf8_bytes_in_lower_case_hex() {
      assertThat(ApiKeys.sha256Hex("abc"))
          .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void neither_to_string_nor_principals_show_a_hash() {
      ApiKeys keys = TestKeys.keys();

      assertThat(keys.toString()).isEqualTo("ApiKeys[billing-prod, reports, ops]");
      assertThat(keys.principals().toString()).doesNotContain(ApiKeys.sha256Hex(TestKeys.PRODUCER_KEY));
      assertThat(keys.size()).isEqualTo(3);
    }
  }

  @Nested
  class Loading {

    @Test
    void a_keys_file_is_read_from_disk(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("keys.json");
      Files.writeString(file, TestKeys.JSON);

      assertThat(ApiKeys.load(file).lookup(TestKeys.READER_KEY)).map(Principal::role).contains(Role.READER);
    }

    @Test
    void a_missing_file_is_named_in_the_error(@TempDir Path dir) {
      Path file = dir.resolve("nope.json");

      assertThatThrownBy(() -> ApiKeys.load(file))
          .isInstanceOf(ApiKeysException.class)
          .hasMessage("API keys file " + file + " does not exist");
    }

    @Test
    void text_that_is_not_json_is_located_by_line_and_column_without_quoting_it() {
      byte[] json = "{\"keys\": [\n  {\"name\": \"a\", \"sha256\": secret-key-pasted-here}]}".getBytes(StandardCharsets.UTF_8);

      assertThatThrownBy(() -> ApiKeys.parse(json, "API keys file k.json"))
          .hasMessageStartingWith("API keys file k.json is not valid JSON at line 2, column ")
          .hasMessageNotContaining("secret");
    }

    @Test
    void a_field_given_twice_in_one_entry_is_rejected() {
      byte[] json = document("{\"name\": \"a\", \"role\": \"reader\", \"role\": \"admin\", \"sha256\": \"" + SOME_HASH + "\"}");

      assertThatThrownBy(() -> ApiKeys.parse(json, "f")).hasMessageContaining("Duplicate field 'role'");
    }

    @Test
    void a_document_without_a_keys_array_is_rejected() {
      assertThatThrownBy(() -> ApiKeys.parse("[]".getBytes(StandardCharsets.UTF_8), "f"))
          .hasMessage("f must be a JSON object {\"keys\": [...]}");
      assertThatThrownBy(() -> ApiKeys.parse("{\"keys\": {}}".getBytes(StandardCharsets.UTF_8), "f"))
          .hasMessage("f must be a JSON object {\"keys\": [...]}");
    }

    @Test
    void an_empty_keys_array_is_rejected_because_no_one_could_call_the_hub() {
      assertThatThrownBy(() -> ApiKeys.parse(document(), "f")).hasMessageStartingWith("f has no keys");
    }

    @Test
    void an_unknown_top_level_field_is_rejected() {
      byte[] json = ("{\"keys\": [{\"name\": \"a\", \"sha256\": \"" + SOME_HASH + "\", \"role\": \"admin\"}], \"key\": 1}")
          .getBytes(StandardCharsets.UTF_8);

      assertThatThrownBy(() -> ApiKeys.parse(json, "f")).hasMessage("f: unknown field \"key\"; expected only \"keys\"");
    }
  }

  @Nested
  class Validation {

    private String entry(String name, String sha256, String role, String services) {
      return "{\"name\": \"" + name + "\", \"sha256\": \"" + sha256 + "\", \"role\": \"" + role + "\""
          + (services == null ? "" : ", \"services\": " + services) + "}";
    }

    private String ok(String name) {
      return entry(name, ApiKeys.sha256Hex(name + " key"), "reader", null);
    }

    @Test
    void a_hash_with_a_non_hex_digit_names_the_entry_and_field_but_not_the_value() {
      String bad = "g" + SOME_HASH.substring(1);

      assertThatThrownBy(() -> ApiKeys.parse(document(ok("a"), entry("reports", bad, "reader", null)), "f"))
          .isInstanceOf(ApiKeysException.class)
          .hasMessageStartingWith("f: keys[1] (\"reports\"): \"sha256\" holds a character that is not a hexadecimal digit")
          .hasMessageNotContaining(bad);
    }

    @Test
    void a_raw_key_pasted_as_hash_is_recognised_and_never_quoted() {
      String rawKey = "q3Jf0n1xJXJ3-qVNuN2OHxTjS8h4o6c5l3wW1mW3X9A";

      assertThatThrownBy(() -> ApiKeys.parse(document(entry("billing-prod", rawKey, "producer", "[\"billing\"]")), "f"))
          .hasMessageContaining("keys[0] (\"billing-prod\"): \"sha256\" has 43 characters (that is the length of a key")
          .hasMessageNotContaining(rawKey);
    }

    @Test
    void a_missing_hash_is_named() {
      assertThatThrownBy(() -> ApiKeys.parse(document("{\"name\": \"a\", \"role\": \"admin\"}"), "f"))
          .hasMessageStartingWith("f: keys[0] (\"a\"): \"sha256\" is missing or not a string");
    }

    @Test
    void the_hash_of_an_empty_key_is_rejected() {
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("a", ApiKeys.sha256Hex(""), "admin", null)), "f"))
          .hasMessageContaining("the SHA-256 of an empty key");
    }

    @Test
    void an_unknown_role_is_named_with_the_roles_expected() {
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("a", SOME_HASH, "writer", null)), "f"))
          .hasMessage("f: keys[0] (\"a\"): \"role\" is \"writer\"; expected producer, reader or admin");
    }

    @Test
    void roles_are_lower_case_as_documented() {
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("a", SOME_HASH, "Admin", null)), "f"))
          .hasMessageContaining("\"role\" is \"Admin\"");
    }

    @Test
    void a_producer_without_services_is_rejected() {
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("billing-prod", SOME_HASH, "producer", null)), "f"))
          .hasMessage("f: keys[0] (\"billing-prod\"): services must name at least one meta.service for role producer");
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("billing-prod", SOME_HASH, "producer", "[]")), "f"))
          .hasMessageContaining("services must name at least one meta.service");
    }

    @Test
    void services_on_a_reader_are_rejected_rather_than_silently_ignored() {
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("reports", SOME_HASH, "reader", "[\"billing\"]")), "f"))
          .hasMessage("f: keys[0] (\"reports\"): services apply only to role producer; role reader must have none");
    }

    @Test
    void services_must_be_an_array_of_names() {
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("p", SOME_HASH, "producer", "\"billing\"")), "f"))
          .hasMessageContaining("keys[0] (\"p\"): \"services\" must be an array");
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("p", SOME_HASH, "producer", "[1]")), "f"))
          .hasMessageContaining("\"services\" must hold only strings");
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("p", SOME_HASH, "producer", "[\" billing\"]")), "f"))
          .hasMessageContaining("without surrounding spaces");
    }

    @Test
    void a_name_that_could_not_be_logged_safely_is_rejected() {
      assertThatThrownBy(() -> ApiKeys.parse(document(entry("billing prod\\n", SOME_HASH, "admin", null)), "f"))
          .hasMessageContaining("name \"billing prod\\u000a\" must be 1 to 100 letters, digits")
          .hasMessageNotContaining("\n");
      assertThatThrownBy(() -> ApiKeys.parse(document("{\"sha256\": \"" + SOME_HASH + "\", \"role\": \"admin\"}"), "f"))
          .hasMessage("f: keys[0]: \"name\" is missing or not a string");
    }

    @Test
    void an_unknown_field_in_an_entry_is_named() {
      String entry = "{\"name\": \"p\", \"sha256\": \"" + SOME_HASH + "\", \"role\": \"producer\", \"service\": [\"x\"]}";

      assertThatThrownBy(() -> ApiKeys.parse(document(entry), "f"))
          .hasMessage("f: keys[0] (\"p\"): unknown field \"service\"; expected name, sha256, role, services");
    }

    @Test
    void two_entries_with_one_name_are_rejected_naming_both() {
      String first = entry("reports", ApiKeys.sha256Hex("k1"), "reader", null);
      String second = entry("reports", ApiKeys.sha256Hex("k2"), "admin", null);

      assertThatThrownBy(() -> ApiKeys.parse(document(ok("a"), first, second), "f"))
          .hasMessage("f: keys[1] and keys[2] have the same name \"reports\"; names must be unique");
    }

    @Test
    void two_entries_with_one_hash_are_rejected_because_a_key_would_have_two_identities() {
      String reader = entry("reports", SOME_HASH, "reader", null);
      String admin = entry("ops", SOME_HASH.toUpperCase(Locale.ROOT), "admin", null);

      assertThatThrownBy(() -> ApiKeys.parse(document(reader, admin), "f"))
          .hasMessageStartingWith("f: keys[0] (\"reports\") and keys[1] (\"ops\") have the same sha256")
          .hasMessageNotContaining(SOME_HASH);
    }

    @Test
    void an_entry_that_is_not_an_object_is_named_by_index() {
      assertThatThrownBy(() -> ApiKeys.parse(document(ok("a"), "\"" + SOME_HASH + "\""), "f"))
          .hasMessageStartingWith("f: keys[1] must be an object");
    }
  }
}
