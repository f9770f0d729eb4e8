package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.Await;
import io.annals.testsupport.HubProcess;
import io.annals.hub.server.LoadClients;
import io.annals.hub.server.TestEvents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-show 3 of the ledger issue, run against each store: the real Main in a child JVM under 16
 * concurrent writers, SIGKILL while the tree grows, restart on the same data: the tree continues
 * with no missing or repeated leaf, and every digest taken before the kill is consistent with the
 * one after (checked with the suite's own RFC 6962 code and the JDK's verifier).
 */
abstract class LedgerKillContract {

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Arguments that put the child hub on the store under test. */
  abstract List<String> storeArgs();

  /** Events in the store, counted by the store's own client, not through the hub. */
  abstract int storedEvents() throws Exception;

  private HubProcess start() throws Exception {
    List<String> args = new ArrayList<>(List.of("--feed-lag", "200ms"));
    args.addAll(storeArgs());
    HubProcess hub = HubProcess.builder(dir.resolve("hub-" + System.nanoTime() + ".log")).dataDir(dir).args(args).start();
    hub.port();
    return hub;
  }

  private JsonNode get(HubProcess hub, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
      return TestEvents.parse(r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void after_sigkill_during_ingestion_the_tree_continues_with_every_event_once_and_earlier_digests_stay_consistent() throws Exception {
    List<JsonNode> digests = new ArrayList<>();
    JsonNode key;
    LoadClients load;
    try (HubProcess first = start()) {
      key = get(first, "/ledger/key");
      load = new LoadClients(first::port, true).start(16);
      for (int target : new int[] {50, 150, 300}) {
        Await.until("the ledger holds " + target + " leaves", () -> get(first, "/ledger/digest").get("tree_size").asInt() >= target);
        digests.add(get(first, "/ledger/digest"));
      }
      first.kill();
      load.stopAndJoin();
    }
    int stored = storedEvents();
    assertThat(stored).isGreaterThanOrEqualTo(load.acknowledged().size());

    try (HubProcess second = start()) {
      Await.until("the restarted hub's ledger holds all " + stored + " stored events",
          () -> get(second, "/ledger/digest").get("tree_size").asInt() >= stored);
      JsonNode last = get(second, "/ledger/digest");
      assertThat(last.get("tree_size").asInt()).as("no leaf twice: exactly one per stored event").isEqualTo(stored);
      assertThat(Auditor.signatureVerifies(last, key)).isTrue();
      byte[] lastRoot = HexFormat.of().parseHex(last.get("root_hash").asText());

      for (JsonNode before : digests) {
        assertThat(Auditor.signatureVerifies(before, key)).isTrue();
        long from = before.get("tree_size").asLong();
        JsonNode proof = get(second, "/ledger/proof/consistency?from=" + from + "&to=" + stored);
        assertThat(ReferenceRfc6962.verifyConsistency(from, stored, HexFormat.of().parseHex(before.get("root_hash").asText()), lastRoot,
            Auditor.hashes(proof.get("proof")))).as("digest of %d leaves taken before the kill", from).isTrue();
      }

      Set<Long> indexes = new HashSet<>();
      for (String id : load.acknowledged().keySet()) {
        JsonNode proof = get(second, "/ledger/proof/inclusion?id=" + id + "&tree_size=" + stored);
        assertThat(indexes.add(proof.get("leaf_index").asLong())).as("leaf of %s is its own", id).isTrue();
        assertThat(ReferenceRfc6962.verifyInclusion(proof.get("leaf_index").asLong(), stored,
            HexFormat.of().parseHex(proof.get("leaf_hash").asText()), Auditor.hashes(proof.get("audit_path")), lastRoot)).isTrue();
      }
    }
  }
}
