package io.annals.hub.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.metrics.HubMetrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {

  private static final long LIMIT = 100;
  private static final String REFUSALS = "annals_hub_ingest_body_budget_refusals_total";

  @Test
  void a_budget_of_exactly_one_largest_body_is_allowed_and_such_a_body_declared_is_reserved_whole() {
    BodyBudget budget = new BodyBudget(LIMIT, LIMIT);

    assertThat(budget.capacity()).isEqualTo(LIMIT);
    try (BodyBudget.Lease lease = budget.lease(LIMIT)) {
      assertThat(lease.reserved()).isEqualTo(LIMIT);
    }
    assertThatThrownBy(() -> new BodyBudget(LIMIT - 1, LIMIT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the body budget (99 bytes) must be at least the body limit (100 bytes)");
  }

  @Test
  void a_declared_length_is_reserved_before_anything_is_read_and_given_back_on_close() {
    BodyBudget budget = new BodyBudget(250, LIMIT);

    try (BodyBudget.Lease lease = budget.lease(80)) {
      assertThat(lease.reserved()).isEqualTo(80);
      assertThat(budget.inUse()).isEqualTo(80);
    }

    assertThat(budget.inUse()).isZero();
  }

  @Test
  void a_declared_length_the_budget_cannot_cover_is_refused_with_503_and_retry_after() {
    BodyBudget budget = new BodyBudget(150, LIMIT);
    BodyBudget.Lease first = budget.lease(100);

    assertThatThrownBy(() -> budget.lease(60))
        .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.retryAfterSeconds()).isPositive();
          assertThat(e.getMessage()).contains("HUB_BODY_BUDGET", "150 bytes");
        });
    assertThat(budget.inUse()).as("the refused request holds nothing").isEqualTo(100);
    first.close();
    assertThat(budget.lease(60).reserved()).isEqualTo(60);
  }

  @Test
  void a_declared_length_over_the_body_limit_reserves_nothing_since_it_is_refused_as_too_large_unread() {
    BodyBudget budget = new BodyBudget(150, LIMIT);

    assertThat(budget.lease(LIMIT + 1).reserved()).isZero();
  }

  @Test
  void reading_a_declared_body_to_its_end_reserves_nothing_more() throws Exception {
    BodyBudget budget = new BodyBudget(LIMIT, LIMIT);
    try (BodyBudget.Lease lease = budget.lease(LIMIT)) {
      InputStream body = lease.meter(new ByteArrayInputStream(new byte[(int) LIMIT]));

      assertThat(body.readNBytes((int) LIMIT + 1)).hasSize((int) LIMIT);
      assertThat(body.read()).isEqualTo(-1);
      assertThat(lease.reserved()).isEqualTo(LIMIT);
    }
  }

  @Test
  void a_body_of_unknown_length_reserves_as_it_is_read_up_to_one_byte_past_the_limit() throws Exception {
    BodyBudget budget = new BodyBudget(1_000, LIMIT);
    try (BodyBudget.Lease lease = budget.lease(-1)) {
      InputStream body = lease.meter(new ByteArrayInputStream(new byte[500]));

      byte[] read = body.readNBytes((int) LIMIT + 1);

      assertThat(read).hasSize((int) LIMIT + 1);
      assertThat(lease.reserved()).isEqualTo(LIMIT + 1);
      assertThat(budget.inUse()).isEqualTo(LIMIT + 1);
    }
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void a_body_of_unknown_length_is_refused_with_503_when_the_budget_runs_out_while_it_is_read() {
    BodyBudget budget = new BodyBudget(LIMIT, LIMIT);
    BodyBudget.Lease other = budget.lease(60);
    BodyBudget.Lease lease = budget.lease(-1);
    InputStream body = lease.meter(new ByteArrayInputStream(new byte[80]));

    assertThatThrownBy(() -> body.readNBytes(80))
        .isInstanceOfSatisfying(RequestRejectedException.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(budget.inUse()).as("what was granted before the refusal, still held until close")
        .isEqualTo(60 + lease.reserved());
    lease.close();
    other.close();
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void decoded_json_within_the_bodys_share_reserves_nothing_more() {
    BodyBudget budget = new BodyBudget(1_000, LIMIT);
    try (BodyBudget.Lease lease = budget.lease(LIMIT)) {
      // A body's share is EXPANSION heap bytes per byte: twice the body (bytes, events) plus the tree.
      lease.decoded((BodyBudget.EXPANSION - 2) * LIMIT);

      assertThat(lease.reserved()).isEqualTo(LIMIT);
    }
  }

  @Test
  void decoded_json_beyond_the_bodys_share_grows_the_lease_and_is_refused_with_503_when_the_budget_is_taken() {
    BodyBudget budget = new BodyBudget(500, LIMIT);
    BodyBudget.Lease lease = budget.lease(LIMIT);
    BodyBudget.Lease other = budget.lease(LIMIT);

    lease.decoded(BodyBudget.EXPANSION * LIMIT); // needs (2 * 100 + 800) / 8 = 125

    assertThat(lease.reserved()).isBetween(125L, 500L);
    assertThatThrownBy(() -> lease.decoded(BodyBudget.EXPANSION * 3 * LIMIT)) // needs 425, 200 are taken
        .isInstanceOfSatisfying(RequestRejectedException.class, e -> assertThat(e.status()).isEqualTo(503));
    other.close();
    lease.close();
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void decoded_json_that_no_budget_could_hold_is_refused_as_too_large() {
    BodyBudget budget = new BodyBudget(1_000, LIMIT);
    try (BodyBudget.Lease lease = budget.lease(LIMIT)) {
      assertThatThrownBy(() -> lease.decoded(BodyBudget.EXPANSION * 2_000L))
          .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
            assertThat(e.status()).isEqualTo(413);
            assertThat(e.getMessage()).contains("decodes to more JSON nodes", "HUB_BODY_BUDGET");
          });
    }
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void each_refusal_is_counted_in_the_metrics_by_its_reason() {
    try (HubMetrics metrics = new HubMetrics()) {
      BodyBudget budget = new BodyBudget(150, LIMIT, metrics::bodyBudgetRefused);
      assertThat(metrics.scrape()).as("every reason exported from the start")
          .contains(REFUSALS + "{reason=\"busy\"} 0.0", REFUSALS + "{reason=\"too_large\"} 0.0");

      try (BodyBudget.Lease first = budget.lease(LIMIT)) {
        assertThatThrownBy(() -> budget.lease(60)).isInstanceOf(RequestRejectedException.class);
        assertThatThrownBy(() -> first.decoded(BodyBudget.EXPANSION * 1_000L)).isInstanceOf(RequestRejectedException.class);
      }
      try (BodyBudget.Lease taken = budget.lease(LIMIT)) {
        assertThatThrownBy(() -> budget.lease(-1).meter(new ByteArrayInputStream(new byte[80])).readNBytes(80))
            .isInstanceOf(RequestRejectedException.class);
      }

      assertThat(metrics.scrape())
          .contains(REFUSALS + "{reason=\"busy\"} 2.0", REFUSALS + "{reason=\"too_large\"} 1.0");
    }
  }

  @Test
  void an_unknown_refusal_reason_is_refused_naming_the_known_ones() {
    try (HubMetrics metrics = new HubMetrics()) {
      assertThatThrownBy(() -> metrics.bodyBudgetRefused("full"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("unknown body budget refusal reason \"full\"; expected one of [busy, too_large]");
    }
  }

  @Test
  void the_default_is_a_share_of_the_heap_over_the_expansion_and_never_below_one_largest_body() {
    long heap = 256L << 20;

    assertThat(BodyBudget.forHeap(heap, 1 << 20))
        .isEqualTo((long) (heap * BodyBudget.HEAP_SHARE / BodyBudget.EXPANSION));
    assertThat(BodyBudget.forHeap(heap, 1L << 30)).isEqualTo(1L << 30);
  }

  @Test
  void a_budget_below_the_body_limit_is_refused_since_a_largest_body_could_never_be_read() {
    assertThatThrownBy(() -> new BodyBudget(LIMIT - 1, LIMIT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least the body limit");
  }
}
