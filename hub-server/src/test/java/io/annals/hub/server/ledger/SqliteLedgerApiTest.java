package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.TestHub;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SqliteLedgerApiTest extends LedgerApiContract {

  @Override
  protected TestHub startHub(Path dataDir) {
    return TestHub.sqlite(dataDir);
  }

  @Test
  void after_a_restart_the_key_is_the_same_and_the_tree_continues_consistently() throws Exception {
    JsonNode before;
    JsonNode key;
    try (TestHub hub = startHub(dir)) {
      publish(hub, 5);
      before = awaitSize(hub, 5);
      key = getJson(hub, "/ledger/key");
    }
    try (TestHub hub = startHub(dir)) {
      assertThat(getJson(hub, "/ledger/key").get("public_key").asText()).isEqualTo(key.get("public_key").asText());
      publish(hub, 4);
      JsonNode after = awaitSize(hub, 9);
      assertThat(after.get("tree_size").asLong()).isEqualTo(9);
      assertThat(Auditor.signatureVerifies(after, key)).isTrue();
      JsonNode proof = getJson(hub, "/ledger/proof/consistency?from=5&to=9");
      assertThat(ReferenceRfc6962.verifyConsistency(5, 9, HexFormat.of().parseHex(before.get("root_hash").asText()),
          HexFormat.of().parseHex(after.get("root_hash").asText()), Auditor.hashes(proof.get("proof")))).isTrue();
    }
  }
}
