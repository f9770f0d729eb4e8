package io.annals.hub.server.ledger;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.TestEvents;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tampering done directly in the store, behind the hub's back, is found by {@link LedgerAudit},
 * which names the first leaf that differs. Run against each adapter.
 */
public abstract class LedgerTamperContract {

  protected abstract Store openStore();

  protected abstract Ledger openLedger(Store store);

  /** Overwrites the stored payload text of an event, as an UPDATE in the database would. */
  protected abstract void setPayload(String id, String payloadJson);

  /** Deletes an event's row. */
  protected abstract void delete(String id);

  /** Overwrites an event's {@code received_at} (epoch microseconds). */
  protected abstract void setReceivedAt(String id, long epochMicros);

  /** Overwrites the stored hash of the complete subtree (level >= 1, index) in the ledger's own records. */
  protected abstract void overwriteNode(int level, long index, byte[] hash);

  protected Store store;
  protected Ledger ledger;
  private final List<StoredEvent> events = new ArrayList<>();

  @BeforeEach
  void store_twenty_events_and_their_ledger() {
    store = openStore();
    ledger = openLedger(store);
    for (int n = 0; n < 20; n++) {
      events.add(anEvent(n).build());
    }
    store.log().append(events);
    new LedgerAppender(store.feed(), ledger, () -> Instant.MAX, new SecureRandom(), 7).catchUp();
    assertThat(ledger.size()).isEqualTo(20);
  }

  @AfterEach
  void close() {
    ledger.close();
    store.close();
  }

  private LedgerAudit.Result audit() {
    return new LedgerAudit(store.log(), store.feed(), ledger, 6).run();
  }

  @Test
  void an_untouched_store_has_no_difference() {
    LedgerAudit.Result result = audit();
    assertThat(result.difference()).isEmpty();
    assertThat(result.checked()).isEqualTo(20);
  }

  @Test
  void one_changed_byte_of_a_payload_is_named_by_its_leaf() {
    StoredEvent e = events.get(11);
    setPayload(e.id(), e.event().payloadJson().replace("3.0000", "3.0001"));
    assertThat(audit().difference()).get().satisfies(d -> {
      assertThat(d.index()).isEqualTo(11);
      assertThat(d.eventId()).isEqualTo(e.id());
      assertThat(d.reason()).contains("changed");
    });
  }

  @Test
  void a_deleted_row_is_named_by_its_leaf() {
    delete(events.get(7).id());
    assertThat(audit().difference()).get().satisfies(d -> {
      assertThat(d.index()).isEqualTo(7);
      assertThat(d.reason()).contains("deleted");
    });
  }

  @Test
  void the_last_row_deleted_is_named_by_its_leaf() {
    delete(events.get(19).id());
    assertThat(audit().difference()).get().extracting(LedgerAudit.Difference::index).isEqualTo(19L);
  }

  @Test
  void a_row_inserted_in_the_past_is_named_by_the_leaf_it_displaces() {
    // Received with event 4, sorting after it by id: the hub never stamps the past, a hand in the database can.
    store.log().append(List.of(anEvent(100).receivedAt(events.get(4).receivedAt()).build()));
    assertThat(audit().difference()).get().satisfies(d -> {
      assertThat(d.index()).isEqualTo(5);
      assertThat(d.reason()).contains("inserted or moved");
    });
  }

  @Test
  void a_changed_ledger_node_breaks_consistency_with_a_digest_taken_before_and_the_audit_says_so() {
    MerkleProofs proofs = new MerkleProofs(ledger);
    byte[] root10Before = proofs.root(10);
    byte[] root20Before = proofs.root(20);
    // The hash of leaves 0..15, which every root of 16 leaves or more is read from.
    overwriteNode(4, 0, ReferenceRfc6962.sha256("forged".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    byte[] root20After = proofs.root(20);

    assertThat(root20After).isNotEqualTo(root20Before);
    assertThat(ReferenceRfc6962.verifyConsistency(10, 20, root10Before, root20After, proofs.consistency(10, 20)))
        .as("the tree after the change does not extend the digest of 10 leaves taken before").isFalse();
    assertThat(audit().difference()).get().satisfies(d -> assertThat(d.reason()).contains("nodes were changed"));
  }

  @Test
  void two_rows_swapped_are_named_by_the_first_of_them() {
    long r3 = EpochMicros.of(events.get(3).receivedAt());
    long r9 = EpochMicros.of(events.get(9).receivedAt());
    setReceivedAt(events.get(3).id(), r9);
    setReceivedAt(events.get(9).id(), r3);
    assertThat(audit().difference()).get().satisfies(d -> {
      assertThat(d.index()).isEqualTo(3);
      assertThat(d.eventId()).isEqualTo(events.get(3).id());
    });
  }
}
