package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerKeyTest {

  @TempDir Path dir;

  @Test
  void a_key_made_at_the_first_start_is_kept_owner_only_and_read_back_at_the_next() throws Exception {
    LedgerKey first = LedgerKey.inDataDir(dir.resolve("data"));
    Path file = dir.resolve("data").resolve(LedgerKey.DATA_DIR_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    LedgerKey again = LedgerKey.inDataDir(dir.resolve("data"));
    assertThat(again.rawPublicKey()).isEqualTo(first.rawPublicKey());
    assertThat(again.name()).isEqualTo(first.name()).startsWith("annals.ledger/");
    assertThat(again.verifierKey()).isEqualTo(first.verifierKey());
  }

  @Test
  void a_key_file_written_for_several_hubs_is_read_as_it_is() throws Exception {
    KeyPair pair = LedgerKey.generate();
    Path file = Files.writeString(dir.resolve("key.pem"), LedgerKey.pem(pair));
    assertThat(LedgerKey.read(file, "HUB_LEDGER_KEY_FILE").publicKey()).isEqualTo(pair.getPublic());
  }

  @Test
  void a_missing_key_file_is_refused_in_one_line_naming_the_setting() {
    assertThatThrownBy(() -> LedgerKey.read(dir.resolve("nope.pem"), "HUB_LEDGER_KEY_FILE"))
        .isInstanceOf(LedgerKeyException.class).hasMessageContaining("HUB_LEDGER_KEY_FILE").hasMessageContaining("nope.pem")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void a_file_without_both_pem_blocks_is_refused() throws Exception {
    Path file = Files.writeString(dir.resolve("key.pem"), "hello\n");
    assertThatThrownBy(() -> LedgerKey.read(file, "HUB_LEDGER_KEY_FILE"))
        .isInstanceOf(LedgerKeyException.class).hasMessageContaining("PRIVATE KEY and a PUBLIC KEY");
  }

  @Test
  void a_private_key_with_another_keys_public_half_is_refused() throws Exception {
    String a = LedgerKey.pem(LedgerKey.generate());
    String b = LedgerKey.pem(LedgerKey.generate());
    String mixed = a.substring(0, a.indexOf("-----BEGIN PUBLIC KEY")) + b.substring(b.indexOf("-----BEGIN PUBLIC KEY"));
    Path file = Files.writeString(dir.resolve("key.pem"), mixed);
    assertThatThrownBy(() -> LedgerKey.read(file, "HUB_LEDGER_KEY_FILE"))
        .isInstanceOf(LedgerKeyException.class).hasMessageContaining("does not match");
  }

  @Test
  void an_rsa_key_is_refused() throws Exception {
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    Path file = Files.writeString(dir.resolve("key.pem"), LedgerKey.pem(rsa));
    assertThatThrownBy(() -> LedgerKey.read(file, "HUB_LEDGER_KEY_FILE"))
        .isInstanceOf(LedgerKeyException.class).hasMessageContaining("Ed25519");
  }

  @Test
  void an_unreadable_block_is_refused() throws Exception {
    Path file = Files.writeString(dir.resolve("key.pem"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    assertThatThrownBy(() -> LedgerKey.read(file, "HUB_LEDGER_KEY_FILE"))
        .isInstanceOf(LedgerKeyException.class).hasMessageContaining("does not hold an Ed25519 key pair");
  }
}
