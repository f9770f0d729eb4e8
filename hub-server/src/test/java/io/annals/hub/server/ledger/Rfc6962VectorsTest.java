package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The hub's Merkle code against the published RFC 6962 test vectors (transparency-dev/merkle, see
 * src/test/resources/ledger/rfc6962-vectors/README.md), with the suite's own reference
 * implementation ({@link ReferenceRfc6962}) checked against the same vectors and then used to
 * check the hub's outputs.
 */
class Rfc6962VectorsTest {

  private static final HexFormat HEX = HexFormat.of();
  // testonly/constants.go: LeafInputs() and RootHashes() of transparency-dev/merkle.
  private static final List<byte[]> LEAF_INPUTS = hex("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
      "606162636465666768696a6b6c6d6e6f");
  private static final List<byte[]> ROOTS = hex(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  @Test
  void every_prefix_of_the_published_leaves_has_the_published_root_in_the_hubs_code_and_the_reference() {
    MemoryTree tree = new MemoryTree();
    List<byte[]> refLeaves = new ArrayList<>();
    assertThat(HEX.formatHex(tree.proofs().root(0))).isEqualTo(HEX.formatHex(ROOTS.get(0)));
    for (int n = 1; n <= LEAF_INPUTS.size(); n++) {
      tree.append(Rfc6962.leafHash(LEAF_INPUTS.get(n - 1)));
      refLeaves.add(ReferenceRfc6962.leaf(LEAF_INPUTS.get(n - 1)));
      String want = HEX.formatHex(ROOTS.get(n));
      assertThat(HEX.formatHex(tree.proofs().root(n))).as("stored-subtree root of %d", n).isEqualTo(want);
      assertThat(HEX.formatHex(tree.edgeRoot())).as("compact-range root of %d", n).isEqualTo(want);
      assertThat(HEX.formatHex(ReferenceRfc6962.mth(refLeaves))).as("reference root of %d", n).isEqualTo(want);
    }
  }

  @Test
  void the_hubs_inclusion_verifier_and_the_reference_agree_with_every_published_inclusion_probe() throws Exception {
    List<JsonNode> probes = probes("inclusion");
    assertThat(probes).hasSize(98);
    for (JsonNode p : probes) {
      long index = p.get("leafIdx").asLong();
      long size = p.get("treeSize").asLong();
      byte[] leaf = b64(p.get("leafHash"));
      byte[] root = b64(p.get("root"));
      List<byte[]> proof = b64List(p.get("proof"));
      boolean valid = !p.get("wantErr").asBoolean();
      String name = p.get("file").asText();
      assertThat(Rfc6962.verifyInclusion(index, size, leaf, proof, root)).as("hub: " + name).isEqualTo(valid);
      assertThat(ReferenceRfc6962.verifyInclusion(index, size, leaf, proof, root)).as("reference: " + name).isEqualTo(valid);
    }
  }

  @Test
  void the_hubs_consistency_verifier_and_the_reference_agree_with_every_published_consistency_probe() throws Exception {
    List<JsonNode> probes = probes("consistency");
    assertThat(probes).hasSize(98);
    for (JsonNode p : probes) {
      long m = p.get("size1").asLong();
      long n = p.get("size2").asLong();
      byte[] r1 = b64(p.get("root1"));
      byte[] r2 = b64(p.get("root2"));
      List<byte[]> proof = b64List(p.get("proof"));
      boolean valid = !p.get("wantErr").asBoolean();
      String name = p.get("file").asText();
      assertThat(Rfc6962.verifyConsistency(m, n, r1, r2, proof)).as("hub: " + name).isEqualTo(valid);
      assertThat(ReferenceRfc6962.verifyConsistency(m, n, r1, r2, proof)).as("reference: " + name).isEqualTo(valid);
    }
  }

  @Test
  void the_hub_generates_exactly_the_published_proofs_for_every_valid_probe_over_the_published_tree() throws Exception {
    MemoryTree tree = MemoryTree.ofLeafHashes(LEAF_INPUTS.stream().map(Rfc6962::leafHash).toList());
    int checked = 0;
    for (JsonNode p : probes("inclusion")) {
      long size = p.get("treeSize").asLong();
      if (p.get("wantErr").asBoolean() || size > 8 || !HEX.formatHex(b64(p.get("root"))).equals(HEX.formatHex(ROOTS.get((int) size)))) {
        continue;
      }
      assertThat(hex(tree.proofs().inclusion(p.get("leafIdx").asLong(), size))).as(p.get("file").asText())
          .isEqualTo(hex(b64List(p.get("proof"))));
      checked++;
    }
    for (JsonNode p : probes("consistency")) {
      long m = p.get("size1").asLong();
      long n = p.get("size2").asLong();
      if (p.get("wantErr").asBoolean() || m == 0 || n > 8 || !HEX.formatHex(b64(p.get("root2"))).equals(HEX.formatHex(ROOTS.get((int) n)))) {
        continue;
      }
      assertThat(hex(tree.proofs().consistency(m, n))).as(p.get("file").asText()).isEqualTo(hex(b64List(p.get("proof"))));
      checked++;
    }
    assertThat(checked).as("valid probes over the published 8-leaf tree").isGreaterThanOrEqualTo(8);
  }

  @Test
  void every_proof_the_hub_makes_over_the_published_tree_is_the_references_and_verifies_with_it() {
    List<byte[]> refLeaves = LEAF_INPUTS.stream().map(ReferenceRfc6962::leaf).toList();
    MemoryTree tree = MemoryTree.ofLeafHashes(LEAF_INPUTS.stream().map(Rfc6962::leafHash).toList());
    for (int n = 1; n <= 8; n++) {
      for (int m = 0; m < n; m++) {
        List<byte[]> path = tree.proofs().inclusion(m, n);
        assertThat(hex(path)).isEqualTo(hex(ReferenceRfc6962.path(m, refLeaves.subList(0, n))));
        assertThat(ReferenceRfc6962.verifyInclusion(m, n, refLeaves.get(m), path, ROOTS.get(n))).isTrue();
      }
      for (int m = 1; m <= n; m++) {
        List<byte[]> proof = tree.proofs().consistency(m, n);
        assertThat(hex(proof)).isEqualTo(hex(ReferenceRfc6962.proof(m, refLeaves.subList(0, n))));
        assertThat(ReferenceRfc6962.verifyConsistency(m, n, ROOTS.get(m), ROOTS.get(n), proof)).isTrue();
      }
    }
  }

  private static List<JsonNode> probes(String kind) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
        Rfc6962VectorsTest.class.getResourceAsStream("/ledger/rfc6962-vectors/" + kind + ".ndjson")), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(json.readTree(line));
      }
    }
    return out;
  }

  private static byte[] b64(JsonNode n) {
    return n == null || n.isNull() ? new byte[0] : Base64.getDecoder().decode(n.asText());
  }

  private static List<byte[]> b64List(JsonNode n) {
    List<byte[]> out = new ArrayList<>();
    if (n != null && !n.isNull()) {
      n.forEach(e -> out.add(b64(e)));
    }
    return out;
  }

  private static List<byte[]> hex(String... s) {
    List<byte[]> out = new ArrayList<>();
    for (String x : s) {
      out.add(HEX.parseHex(x));
    }
    return out;
  }

  static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
