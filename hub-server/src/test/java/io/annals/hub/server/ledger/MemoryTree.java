package io.annals.hub.server.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The hub's tree code over an in-memory map of complete subtree hashes, appended through {@link CompactRange}. */
final class MemoryTree implements NodeSource {

  private final Map<String, byte[]> nodes = new HashMap<>();
  private final CompactRange edge = CompactRange.of(0, this);
  final List<byte[]> leafHashes = new ArrayList<>();

  static MemoryTree ofLeafHashes(List<byte[]> leafHashes) {
    MemoryTree tree = new MemoryTree();
    leafHashes.forEach(tree::append);
    return tree;
  }

  void append(byte[] leafHash) {
    leafHashes.add(leafHash);
    for (CompactRange.Node n : edge.append(leafHash)) {
      nodes.put(n.level() + "/" + n.index(), n.hash());
    }
  }

  byte[] edgeRoot() {
    return edge.root();
  }

  MerkleProofs proofs() {
    return new MerkleProofs(this);
  }

  @Override
  public byte[] node(int level, long index) {
    byte[] h = nodes.get(level + "/" + index);
    if (h == null) {
      throw new IllegalArgumentException("no stored subtree " + level + "/" + index);
    }
    return h;
  }
}
