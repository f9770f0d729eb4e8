package io.annals.hub.server.ledger;

import java.util.List;

/** An event's leaf and its audit path in the tree of {@code treeSize} leaves. */
public record InclusionProof(LedgerLeaf leaf, long treeSize, List<byte[]> auditPath) {}
