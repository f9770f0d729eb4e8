package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Every proof the hub generates verifies, with its own verifier and the suite's reference; any changed hash fails both. */
class MerkleProofsPropertyTest {

  @Property(tries = 300)
  void every_inclusion_proof_verifies_and_a_changed_hash_fails(
      @ForAll @IntRange(min = 1, max = 300) int size, @ForAll @IntRange(min = 0, max = 299) int index,
      @ForAll @IntRange(min = 0, max = 255) int bit, @ForAll @IntRange(min = 0, max = 40) int which) {
    Assume.that(index < size);
    List<byte[]> leaves = leaves(size);
    MemoryTree tree = MemoryTree.ofLeafHashes(leaves);
    byte[] root = tree.proofs().root(size);
    List<byte[]> path = tree.proofs().inclusion(index, size);
    assertThat(root).isEqualTo(ReferenceRfc6962.mth(leaves));
    assertThat(Rfc6962.verifyInclusion(index, size, leaves.get(index), path, root)).isTrue();
    assertThat(ReferenceRfc6962.verifyInclusion(index, size, leaves.get(index), path, root)).isTrue();

    // which == 0 changes the leaf, else one hash of the path (or the root when the path is short).
    byte[] leaf = leaves.get(index).clone();
    List<byte[]> bad = new ArrayList<>(path);
    byte[] badRoot = root.clone();
    if (which == 0) {
      flip(leaf, bit);
    } else if (which <= bad.size()) {
      byte[] h = bad.get(which - 1).clone();
      flip(h, bit);
      bad.set(which - 1, h);
    } else {
      flip(badRoot, bit);
    }
    assertThat(Rfc6962.verifyInclusion(index, size, leaf, bad, badRoot)).isFalse();
    assertThat(ReferenceRfc6962.verifyInclusion(index, size, leaf, bad, badRoot)).isFalse();
  }

  @Property(tries = 300)
  void every_consistency_proof_verifies_and_a_changed_hash_fails(
      @ForAll @IntRange(min = 1, max = 300) int first, @ForAll @IntRange(min = 1, max = 300) int second,
      @ForAll @IntRange(min = 0, max = 255) int bit, @ForAll @IntRange(min = 0, max = 40) int which) {
    Assume.that(first <= second);
    List<byte[]> leaves = leaves(second);
    MemoryTree tree = MemoryTree.ofLeafHashes(leaves);
    byte[] r1 = tree.proofs().root(first);
    byte[] r2 = tree.proofs().root(second);
    List<byte[]> proof = tree.proofs().consistency(first, second);
    assertThat(Rfc6962VectorsTest.hex(proof)).isEqualTo(Rfc6962VectorsTest.hex(ReferenceRfc6962.proof(first, leaves)));
    assertThat(Rfc6962.verifyConsistency(first, second, r1, r2, proof)).isTrue();
    assertThat(ReferenceRfc6962.verifyConsistency(first, second, r1, r2, proof)).isTrue();

    List<byte[]> bad = new ArrayList<>(proof);
    byte[] bad1 = r1.clone();
    byte[] bad2 = r2.clone();
    if (which == 0) {
      flip(bad1, bit);
    } else if (which <= bad.size()) {
      byte[] h = bad.get(which - 1).clone();
      flip(h, bit);
      bad.set(which - 1, h);
    } else {
      flip(bad2, bit);
    }
    assertThat(Rfc6962.verifyConsistency(first, second, bad1, bad2, bad)).isFalse();
    assertThat(ReferenceRfc6962.verifyConsistency(first, second, bad1, bad2, bad)).isFalse();
  }

  private static List<byte[]> leaves(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ReferenceRfc6962.leaf(("leaf " + i).getBytes()));
    }
    return out;
  }

  private static void flip(byte[] h, int bit) {
    h[bit / 8] ^= (byte) (1 << (bit % 8));
  }
}
