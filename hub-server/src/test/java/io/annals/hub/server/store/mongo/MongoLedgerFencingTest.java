package io.annals.hub.server.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.annals.hub.server.ledger.CompactRange;
import io.annals.hub.server.ledger.LedgerLeaf;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lease fencing of the MongoDB ledger: two hub instances (two adapters on one database); the first
 * holder stalls past its lease while the second takes over and appends. Whatever the stale holder
 * then does, the second holder's leaves, nodes and head stay as written.
 */
class MongoLedgerFencingTest {

  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(10);

  private MongoDatabase database;
  private MongoLedger stale;
  private MongoLedger current;

  @BeforeEach
  void two_instances_the_first_of_which_held_the_lease_and_stalled() {
    database = mongo.newStore("fencing").database();
    stale = new MongoLedger(database);
    current = new MongoLedger(database);
    assertThat(stale.tryLease("stale", T0, TTL)).isTrue();
    assertThat(stale.append(0, leaves(0, 4, (byte) 1), List.of())).isTrue();
    assertThat(current.tryLease("current", T0.plusSeconds(11), TTL)).as("the stale holder's lease expired").isTrue();
  }

  @Test
  void a_stale_holder_cannot_move_the_head_after_the_lease_changed_hands() {
    assertThat(stale.append(4, leaves(4, 2, (byte) 2), List.of())).as("fenced by the head's epoch").isFalse();

    assertThat(current.append(4, leaves(4, 2, (byte) 3), List.of())).isTrue();
    assertThat(current.size()).isEqualTo(6);
    assertThat(current.leaf(4).orElseThrow().leafHash()[0]).isEqualTo((byte) 3);
  }

  @Test
  void a_stale_append_that_passed_its_check_before_the_hand_over_neither_deletes_nor_overwrites_what_the_new_holder_wrote() {
    // The interleaving: the stale holder read the head (epoch 1, size 4) before the new holder
    // raised it, and the new holder has written its leaves and a node but not yet moved the head.
    // Put the store in exactly that state and let the stale holder's append run into it.
    List<LedgerLeaf> written = leaves(4, 4, (byte) 3);
    for (LedgerLeaf leaf : written) {
      database.getCollection("ledger_leaves").insertOne(new Document("_id", leaf.index()).append("event_id", leaf.eventId())
          .append("received_at", 0L).append("leaf_hash", new org.bson.types.Binary(leaf.leafHash())).append("salts", "{}")
          .append("epoch", 2L));
    }
    long nodeId = 2 * (1L << 56) + 1; // level 2, index 1: the subtree of leaves 4..7
    database.getCollection("ledger_nodes").insertOne(new Document("_id", nodeId).append("hash", new org.bson.types.Binary(hash((byte) 3)))
        .append("epoch", 2L));
    database.getCollection("ledger_head").updateOne(Filters.eq("_id", "head"), Updates.set("epoch", 1L));

    boolean appended = stale.append(4, leaves(4, 4, (byte) 2), List.of(new CompactRange.Node(2, 1, hash((byte) 2))));

    assertThat(appended).isFalse();
    for (LedgerLeaf leaf : written) {
      Document d = database.getCollection("ledger_leaves").find(Filters.eq("_id", leaf.index())).first();
      assertThat(d).as("leaf %d of the new holder", leaf.index()).isNotNull();
      assertThat(d.getLong("epoch")).isEqualTo(2L);
    }
    assertThat(database.getCollection("ledger_nodes").find(Filters.eq("_id", nodeId)).first().getLong("epoch")).isEqualTo(2L);
    assertThat(stale.size()).as("the head did not move").isEqualTo(4);
  }

  @Test
  void the_new_holder_clears_a_stale_holders_leftovers_and_appends() {
    database.getCollection("ledger_leaves").insertOne(new Document("_id", 4L).append("event_id", "left-over")
        .append("received_at", 0L).append("leaf_hash", new org.bson.types.Binary(hash((byte) 9))).append("salts", "{}").append("epoch", 1L));

    assertThat(current.append(4, leaves(4, 2, (byte) 3), List.of())).isTrue();

    assertThat(current.leaf(4).orElseThrow().leafHash()[0]).isEqualTo((byte) 3);
  }

  @Test
  void a_holder_that_lost_the_lease_and_takes_it_back_later_draws_a_new_token_and_appends_again() {
    assertThat(stale.tryLease("stale", T0.plusSeconds(12), TTL)).as("the current holder's lease is valid").isFalse();
    assertThat(current.append(4, leaves(4, 1, (byte) 3), List.of())).isTrue();

    assertThat(stale.tryLease("stale", T0.plusSeconds(30), TTL)).as("the current holder stopped renewing").isTrue();

    assertThat(stale.append(5, leaves(5, 1, (byte) 4), List.of())).isTrue();
    assertThat(current.append(6, leaves(6, 1, (byte) 5), List.of())).as("now the other one is stale").isFalse();
    assertThat(stale.size()).isEqualTo(6);
  }

  private static List<LedgerLeaf> leaves(long from, int count, byte mark) {
    List<LedgerLeaf> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new LedgerLeaf(from + i, UUID.randomUUID().toString(), T0, hash(mark), "{}"));
    }
    return out;
  }

  private static byte[] hash(byte mark) {
    byte[] h = new byte[32];
    h[0] = mark;
    return h;
  }
}
