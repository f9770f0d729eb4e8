package io.annals.hub.server.ledger;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import io.annals.hub.server.store.sqlite.SqliteLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerScrubTest {

  private static final Instant PASS_END = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;

  @Test
  void the_scrub_checks_a_few_leaves_per_tick_reports_a_changed_event_and_clears_after_a_clean_pass() throws Exception {
    try (SqliteEventStore store = SqliteEventStore.open(dir); SqliteLedger ledger = SqliteLedger.open(dir)) {
      List<StoredEvent> events = new ArrayList<>();
      for (int n = 0; n < 12; n++) {
        events.add(anEvent(n).build());
      }
      store.append(events);
      new LedgerAppender(store, ledger, () -> Instant.MAX, new SecureRandom(), 100).catchUp();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      LedgerScrub scrub = new LedgerScrub(new LedgerAudit(store, store, ledger, 100), 5, registry, java.time.Clock.fixed(PASS_END, java.time.ZoneOffset.UTC));

      scrub.tick();
      assertThat(registry.get("annals.ledger.scrub.checked.leaves").counter().count()).as("rate limited: 5 per tick").isEqualTo(5);
      assertThat(scrub.status()).isEqualTo(new LedgerScrub.Status(5, 12, Optional.empty(), Optional.empty()));
      scrub.tick();
      scrub.tick();
      assertThat(registry.get("annals.ledger.scrub.checked.leaves").counter().count()).isEqualTo(12);
      assertThat(registry.get("annals.ledger.scrub.mismatch").gauge().value()).isZero();
      assertThat(scrub.status().lastPass()).hasValue(new LedgerScrub.PassResult(PASS_END, 12, 0));

      String original = events.get(8).event().payloadJson();
      setPayload(events.get(8).id(), original.replace("3.0000", "3.0001"));
      for (int i = 0; i < 3; i++) {
        scrub.tick();
      }
      assertThat(registry.get("annals.ledger.scrub.mismatch").gauge().value()).isEqualTo(1);
      assertThat(scrub.lastDifference()).get().extracting(LedgerAudit.Difference::index).isEqualTo(8L);
      assertThat(scrub.status().lastPass()).as("the pass stopped at the changed leaf").hasValue(new LedgerScrub.PassResult(PASS_END, 8, 1));
      assertThat(scrub.status().difference()).isEqualTo(scrub.lastDifference());

      setPayload(events.get(8).id(), original);
      for (int i = 0; i < 3; i++) {
        scrub.tick();
      }
      assertThat(registry.get("annals.ledger.scrub.mismatch").gauge().value()).isZero();
      assertThat(scrub.lastDifference()).isEmpty();
    }
  }

  private void setPayload(String id, String payload) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteEventStore.FILE_NAME));
        var s = c.prepareStatement("UPDATE events SET payload = ? WHERE id = ?")) {
      s.setString(1, payload);
      s.setString(2, id);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }
}
