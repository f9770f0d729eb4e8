package io.annals.ops.keygen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.server.auth.ApiKeys;
import io.annals.hub.server.auth.Principal;
import io.annals.hub.server.auth.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One run of keygen: its exit code and what it printed. */
  private record Run(int exit, List<String> out, String err) {
    String key() {
      return out.get(0);
    }

    JsonNode entry() throws Exception {
      return JSON.readTree(out.get(1));
    }
  }

  private static Run keygen(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new KeygenCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new SecureRandom()).run(args);
    String printed = out.toString(StandardCharsets.UTF_8);
    return new Run(exit, printed.isEmpty() ? List.of() : List.of(printed.split("\n")), err.toString(StandardCharsets.UTF_8));
  }

  @Nested
  class Printing {

    @Test
    void prints_a_random_32_byte_base64url_key_then_its_entry_with_its_sha256() throws Exception {
      Run run = keygen("--name", "billing-prod", "--role", "producer", "--service", "billing", "--service", "invoicing");

      assertThat(run.exit()).isZero();
      assertThat(run.out()).hasSize(2);
      assertThat(run.key()).matches("[A-Za-z0-9_-]{43}");
      assertThat(Base64.getUrlDecoder().decode(run.key())).hasSize(32);
      assertThat(run.out().get(1)).isEqualTo("{\"name\":\"billing-prod\",\"sha256\":\"" + ApiKeys.sha256Hex(run.key())
          + "\",\"role\":\"producer\",\"services\":[\"billing\",\"invoicing\"]}");
    }

    @Test
    void the_entry_is_accepted_by_the_hub_and_finds_the_key() {
      Run run = keygen("--name=reports", "--role=reader");

      ApiKeys keys = ApiKeys.parse(("{\"keys\": [" + run.out().get(1) + "]}").getBytes(StandardCharsets.UTF_8), "t");

      assertThat(keys.lookup(run.key())).contains(new Principal("reports", Role.READER, Set.of()));
    }

    @Test
    void every_run_makes_a_different_key() {
      assertThat(keygen("--name", "a", "--role", "admin").key()).isNotEqualTo(keygen("--name", "a", "--role", "admin").key());
    }

    @Test
    void the_key_appears_on_stdout_only_and_stderr_says_it_is_shown_once() {
      Run run = keygen("--name", "ops", "--role", "admin");

      assertThat(run.err()).doesNotContain(run.key()).contains("shown only this once").contains("Authorization: Bearer <key>");
    }

    @Test
    void help_prints_the_usage_and_makes_no_key() {
      Run run = keygen("--help");

      assertThat(run.exit()).isZero();
      assertThat(run.out()).singleElement().asString().startsWith("usage: keygen --name NAME");
    }
  }

  @Nested
  class Bad_options {

    private void refused(Run run, String message) {
      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.out()).as("no key is printed").isEmpty();
      assertThat(run.err()).startsWith("keygen: " + message).contains("usage: keygen");
    }

    @Test
    void name_and_role_are_required() {
      refused(keygen("--role", "admin"), "--name and --role are required");
      refused(keygen("--name", "x"), "--name and --role are required");
    }

    @Test
    void an_unknown_role_is_named() {
      refused(keygen("--name", "x", "--role", "writer"), "--role is \"writer\"; expected producer, reader or admin");
    }

    @Test
    void a_producer_needs_a_service_and_other_roles_take_none() {
      refused(keygen("--name", "x", "--role", "producer"), "--role producer needs at least one --service");
      refused(keygen("--name", "x", "--role", "reader", "--service", "billing"), "--service applies only to --role producer");
      refused(keygen("--name", "x", "--role", "producer", "--service", " billing"), "--service \" billing\" must be");
    }

    @Test
    void a_name_the_hub_would_refuse_is_refused_here() {
      refused(keygen("--name", "billing prod", "--role", "admin"), "--name \"billing prod\" must be 1 to 100 letters");
    }

    @Test
    void unknown_repeated_and_valueless_options_are_refused() {
      refused(keygen("--name", "x", "--role", "admin", "--sevrice", "y"), "unknown option \"--sevrice\"");
      refused(keygen("--name", "x", "--name", "y", "--role", "admin"), "--name given twice");
      refused(keygen("--name", "x", "--role"), "--role needs a value");
    }
  }

  @Nested
  class Keys_file {

    @TempDir
    Path dir;

    private Path file() {
      return dir.resolve("keys.json");
    }

    private Run keygenInto(String name, String... more) {
      String[] args = Stream.concat(Stream.of("--name", name, "--keys-file", file().toString()), Stream.of(more))
          .toArray(String[]::new);
      return keygen(args);
    }

    @Test
    void a_missing_file_is_created_holding_the_entry_and_the_hub_can_load_it() throws Exception {
      Run run = keygenInto("billing-prod", "--role", "producer", "--service", "billing");

      assertThat(run.exit()).isZero();
      assertThat(run.err()).contains("added to " + file() + " (now 1 key)");
      assertThat(ApiKeys.load(file()).lookup(run.key())).map(Principal::name).contains("billing-prod");
      assertThat(Files.readString(file())).doesNotContain(run.key());
    }

    @Test
    void entries_are_appended_keeping_those_already_there() throws Exception {
      Run first = keygenInto("billing-prod", "--role", "producer", "--service", "billing");
      Run second = keygenInto("reports", "--role", "reader");
      Run third = keygenInto("ops", "--role", "admin");

      ApiKeys keys = ApiKeys.load(file());
      assertThat(keys.principals()).extracting(Principal::name).containsExactly("billing-prod", "reports", "ops");
      assertThat(keys.lookup(first.key())).map(Principal::role).contains(Role.PRODUCER);
      assertThat(keys.lookup(second.key())).map(Principal::role).contains(Role.READER);
      assertThat(keys.lookup(third.key())).map(Principal::role).contains(Role.ADMIN);
      assertThat(third.err()).contains("(now 3 keys)");
    }

    @Test
    void an_empty_file_counts_as_no_keys_yet() throws Exception {
      Files.writeString(file(), "\n");

      assertThat(keygenInto("ops", "--role", "admin").exit()).isZero();
      assertThat(ApiKeys.load(file()).size()).isEqualTo(1);
    }

    @Test
    void a_duplicate_name_leaves_the_file_unchanged_and_prints_no_key() throws Exception {
      keygenInto("reports", "--role", "reader");
      byte[] before = Files.readAllBytes(file());

      Run run = keygenInto("reports", "--role", "admin");

      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).contains("have the same name \"reports\"").contains("not changed");
      assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void a_file_that_is_not_a_keys_file_is_left_alone() throws Exception {
      Files.writeString(file(), "{\"users\": []}");

      Run run = keygenInto("ops", "--role", "admin");

      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err()).contains("must be a JSON object {\"keys\": [...]}");
      assertThat(Files.readString(file())).isEqualTo("{\"users\": []}");
    }

    @Test
    void an_invalid_entry_already_in_the_file_is_named_and_the_file_left_alone() throws Exception {
      String broken = "{\"keys\": [{\"name\": \"old\", \"sha256\": \"abc\", \"role\": \"admin\"}]}";
      Files.writeString(file(), broken);

      Run run = keygenInto("ops", "--role", "admin");

      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err()).contains("keys[0] (\"old\"): \"sha256\" has 3 characters");
      assertThat(Files.readString(file())).isEqualTo(broken);
    }

    @Test
    void no_temporary_file_is_left_behind_and_permissions_are_kept() throws Exception {
      keygenInto("reports", "--role", "reader");
      Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r-----"));

      keygenInto("ops", "--role", "admin");

      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files).containsExactly(file());
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-r-----");
    }
  }
}
