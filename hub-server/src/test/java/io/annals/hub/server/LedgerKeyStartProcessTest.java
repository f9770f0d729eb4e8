package io.annals.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.HubProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Main in a child JVM: a ledger key file that cannot be used stops start-up with one line and exit code 2. */
class LedgerKeyStartProcessTest {

  @TempDir Path dir;

  @Test
  void a_missing_ledger_key_file_stops_start_up_with_one_line_naming_it_and_exit_code_2() throws Exception {
    Path missing = dir.resolve("no-such-key.pem");
    HubProcess hub = HubProcess.builder(dir.resolve("hub.log")).port(HubProcess.PORT_FROM_ENVIRONMENT)
        .env(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", dir.resolve("data").toString(), "HUB_LEDGER_KEY_FILE", missing.toString()))
        .launch();

    assertThat(hub.awaitExit()).as("exit code; output %s", hub.output()).isEqualTo(2);
    List<String> about = hub.output().stream().filter(l -> l.contains("HUB_LEDGER_KEY_FILE")).toList();
    assertThat(about).hasSize(1);
    assertThat(about.get(0)).startsWith("annals hub: invalid configuration:").contains(missing.toString());
  }

  @Test
  void a_ledger_key_file_without_a_key_stops_start_up_with_one_line_and_exit_code_2() throws Exception {
    Path bad = Files.writeString(dir.resolve("key.pem"), "not a key\n");
    HubProcess hub = HubProcess.builder(dir.resolve("hub.log")).port(HubProcess.PORT_FROM_ENVIRONMENT)
        .env(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", dir.resolve("data").toString()))
        .args("--ledger-key-file", bad.toString()).launch();

    assertThat(hub.awaitExit()).as("exit code; output %s", hub.output()).isEqualTo(2);
    List<String> about = hub.output().stream().filter(l -> l.contains("key.pem")).toList();
    assertThat(about).hasSize(1);
    assertThat(about.get(0)).contains("PRIVATE KEY and a PUBLIC KEY");
  }
}
