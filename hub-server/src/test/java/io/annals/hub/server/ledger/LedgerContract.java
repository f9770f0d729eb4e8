package io.annals.hub.server.ledger;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.TestEvents;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link Ledger} port's contract, with the appender on top; run against each adapter. */
public abstract class LedgerContract {

  /** A fresh, empty event store for one test. */
  protected abstract Store openStore();

  /** The ledger beside {@code store}, opened anew (a second call is a restart: it sees what the first stored). */
  protected abstract Ledger openLedger(Store store);

  /** Whether several hub instances share this ledger (and so need its appender lease). */
  protected abstract boolean sharedByInstances();

  protected Store store;
  protected Ledger ledger;
  private final AtomicReference<Instant> stable = new AtomicReference<>(Instant.MAX);

  @BeforeEach
  void open() {
    store = openStore();
    ledger = openLedger(store);
  }

  @AfterEach
  void close() {
    ledger.close();
    store.close();
  }

  private LedgerAppender appender(Ledger on, int batch) {
    return new LedgerAppender(store.feed(), on, stable::get, new SecureRandom(), batch);
  }

  private List<StoredEvent> storeEvents(int from, int to) {
    List<StoredEvent> events = new ArrayList<>();
    for (int n = from; n < to; n++) {
      events.add(anEvent(n).build());
    }
    store.log().append(events);
    return events;
  }

  @Test
  void the_scrub_resumes_its_pass_from_the_mark_saved_in_the_ledger_after_a_restart() {
    storeEvents(0, 12);
    appender(ledger, 100).catchUp();
    java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), java.time.ZoneOffset.UTC);
    LedgerScrub before = new LedgerScrub(new LedgerAudit(store.log(), store.feed(), ledger, 100), 5,
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), clock);
    before.tick();
    assertThat(ledger.scrubMark()).get().extracting(ScrubMark::next, ScrubMark::passSize).containsExactly(5L, 12L);

    ledger.close();
    ledger = openLedger(store); // a restart: a new ledger handle, a new scrub
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    LedgerScrub after = new LedgerScrub(new LedgerAudit(store.log(), store.feed(), ledger, 100), 5, registry, clock);
    after.tick();
    assertThat(after.status().checking()).as("went on from leaf 5").isEqualTo(10);
    assertThat(registry.get("annals.ledger.scrub.checked.leaves").counter().count()).isEqualTo(5);
    after.tick();
    // The resumed pass ends on the root check against the stored tree: its saved edge was right.
    assertThat(after.status().lastPass()).hasValue(new LedgerScrub.PassResult(clock.instant(), 12, 0));
    assertThat(ledger.scrubMark()).as("no pass under way").isEmpty();
  }

  @Test
  void an_empty_ledger_has_size_zero_and_the_empty_root() {
    assertThat(ledger.size()).isZero();
    assertThat(new MerkleProofs(ledger).root(0)).isEqualTo(ReferenceRfc6962.sha256());
    assertThat(ledger.leaves(0, 10)).isEmpty();
    assertThat(ledger.leaf(0)).isEmpty();
  }

  @Test
  void appended_leaves_read_back_in_feed_order_and_the_roots_and_proofs_match_the_reference() {
    List<StoredEvent> events = storeEvents(0, 37);
    assertThat(appender(ledger, 10).catchUp()).isEqualTo(37);

    assertThat(ledger.size()).isEqualTo(37);
    List<LedgerLeaf> leaves = ledger.leaves(0, 100);
    assertThat(leaves).extracting(LedgerLeaf::eventId).containsExactlyElementsOf(events.stream().map(StoredEvent::id).toList());
    assertThat(leaves).extracting(LedgerLeaf::index).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 37).boxed().toList());
    assertThat(ledger.leaves(30, 3)).extracting(LedgerLeaf::index).containsExactly(30L, 31L, 32L);
    assertThat(ledger.leafOf(events.get(5).id())).get().extracting(LedgerLeaf::index).isEqualTo(5L);
    assertThat(ledger.leafOf("0192f0c4-6d1e-7b3a-9c55-999999999999")).isEmpty();

    List<byte[]> hashes = leaves.stream().map(LedgerLeaf::leafHash).toList();
    MerkleProofs proofs = new MerkleProofs(ledger);
    for (int n = 1; n <= 37; n++) {
      byte[] root = proofs.root(n);
      assertThat(root).as("root of %d", n).isEqualTo(ReferenceRfc6962.mth(hashes.subList(0, n)));
      for (int m = 0; m < n; m += 5) {
        assertThat(ReferenceRfc6962.verifyInclusion(m, n, hashes.get(m), proofs.inclusion(m, n), root)).isTrue();
      }
      assertThat(ReferenceRfc6962.verifyConsistency(Math.max(1, n / 3), n, proofs.root(Math.max(1, n / 3)), root,
          proofs.consistency(Math.max(1, n / 3), n))).isTrue();
    }
  }

  @Test
  void every_leaf_hash_is_recomputed_from_the_stored_event_and_its_stored_salts() {
    storeEvents(0, 12);
    appender(ledger, 5).catchUp();
    for (LedgerLeaf leaf : ledger.leaves(0, 100)) {
      StoredEvent e = store.log().find(leaf.eventId()).orElseThrow();
      assertThat(LeafEncoding.leafHash(e, PayloadSalts.fromJson(leaf.saltsJson()).byMember())).isEqualTo(leaf.leafHash());
    }
  }

  @Test
  void an_append_at_a_size_the_tree_does_not_have_stores_nothing() {
    storeEvents(0, 3);
    appender(ledger, 10).catchUp();
    byte[] hash = ReferenceRfc6962.leaf(new byte[] {1});
    LedgerLeaf stray = new LedgerLeaf(1, TestEvents.id(99), Instant.EPOCH, hash, "{}");
    assertThat(ledger.append(1, List.of(stray), List.of(new CompactRange.Node(0, 1, hash)))).isFalse();
    assertThat(ledger.append(5, List.of(stray), List.of())).isFalse();
    assertThat(ledger.size()).isEqualTo(3);
    assertThat(ledger.leafOf(TestEvents.id(99))).isEmpty();
  }

  @Test
  void the_appender_adds_only_events_below_the_stable_point() {
    storeEvents(0, 10); // received at T0 + 60 s + n µs
    stable.set(anEvent(6).build().receivedAt());
    assertThat(appender(ledger, 100).catchUp()).isEqualTo(6);
    assertThat(ledger.leaves(0, 100)).extracting(LedgerLeaf::eventId).containsExactly(
        TestEvents.id(0), TestEvents.id(1), TestEvents.id(2), TestEvents.id(3), TestEvents.id(4), TestEvents.id(5));
    stable.set(Instant.MAX);
  }

  @Test
  void after_a_restart_the_appender_continues_the_stored_tree_with_no_missing_or_repeated_leaf() {
    storeEvents(0, 25);
    appender(ledger, 7).catchUp();
    byte[] rootBefore = new MerkleProofs(ledger).root(25);
    ledger.close();

    storeEvents(25, 60);
    ledger = openLedger(store);
    assertThat(ledger.size()).isEqualTo(25);
    assertThat(appender(ledger, 7).catchUp()).isEqualTo(35);

    List<String> ids = ledger.leaves(0, 100).stream().map(LedgerLeaf::eventId).toList();
    List<String> expected = new ArrayList<>();
    for (int n = 0; n < 60; n++) {
      expected.add(TestEvents.id(n));
    }
    assertThat(ids).containsExactlyElementsOf(expected);
    MerkleProofs proofs = new MerkleProofs(ledger);
    assertThat(Rfc6962.verifyConsistency(25, 60, rootBefore, proofs.root(60), proofs.consistency(25, 60))).isTrue();
  }

  @Test
  void two_appenders_on_one_ledger_never_repeat_a_leaf() {
    storeEvents(0, 20);
    LedgerAppender a = appender(ledger, 3);
    LedgerAppender b = appender(ledger, 4);
    for (int i = 0; i < 10; i++) {
      a.appendBatch();
      b.appendBatch();
    }
    assertThat(ledger.leaves(0, 100)).extracting(LedgerLeaf::eventId).doesNotHaveDuplicates().hasSize(20);
  }

  @Test
  void the_appender_lease_has_one_holder_at_a_time_and_passes_on_when_it_expires() {
    Instant t0 = TestEvents.T0;
    java.time.Duration ttl = java.time.Duration.ofSeconds(10);
    assertThat(ledger.tryLease("a", t0, ttl)).isTrue();
    assertThat(ledger.tryLease("a", t0.plusSeconds(5), ttl)).as("renewed by its holder").isTrue();
    if (!sharedByInstances()) {
      assertThat(ledger.tryLease("b", t0.plusSeconds(6), ttl)).as("one writer per file: no lease to wait for").isTrue();
      return;
    }
    assertThat(ledger.tryLease("b", t0.plusSeconds(6), ttl)).isFalse();
    assertThat(ledger.tryLease("b", t0.plusSeconds(14), ttl)).as("still within the renewed lease").isFalse();
    assertThat(ledger.tryLease("b", t0.plusSeconds(16), ttl)).as("expired: passes on").isTrue();
    assertThat(ledger.tryLease("a", t0.plusSeconds(17), ttl)).isFalse();
  }

  @Test
  void a_root_and_a_proof_read_a_logarithmic_number_of_stored_hashes() {
    storeEvents(0, 300);
    appender(ledger, 128).catchUp();
    AtomicInteger reads = new AtomicInteger();
    MerkleProofs counted = new MerkleProofs((level, index) -> {
      reads.incrementAndGet();
      return ledger.node(level, index);
    });
    counted.root(299);
    assertThat(reads.get()).as("reads for a root of 299").isLessThanOrEqualTo(9); // 299 = 0b100101011: one per set bit
    reads.set(0);
    counted.inclusion(17, 299);
    assertThat(reads.get()).as("reads for an audit path").isLessThanOrEqualTo(2 * 9);
    reads.set(0);
    counted.consistency(77, 299);
    assertThat(reads.get()).as("reads for a consistency proof").isLessThanOrEqualTo(2 * 9 + 2);
    assertThat(HexFormat.of().formatHex(counted.root(299))).isEqualTo(HexFormat.of().formatHex(new MerkleProofs(ledger).root(299)));
    assertThat(Set.copyOf(ledger.leaves(0, 1000).stream().map(LedgerLeaf::eventId).toList())).hasSize(300);
  }
}
