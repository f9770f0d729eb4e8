package io.annals.hub.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.auth.AccessDecision.Allowed;
import io.annals.hub.server.auth.AccessDecision.Denied;
import io.annals.hub.server.auth.AccessDecision.Open;
import io.annals.hub.server.auth.AccessDecision.Reason;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AccessControlTest {

  private static final String HERE = "192.0.2.10";
  private static final String THERE = "192.0.2.20";

  private final AtomicLong now = new AtomicLong();

  private static String bearer(String key) {
    return "Bearer " + key;
  }

  private static Denied denied(AccessDecision decision) {
    assertThat(decision).isInstanceOf(Denied.class);
    return (Denied) decision;
  }

  private static Principal principal(AccessDecision decision) {
    assertThat(decision).isInstanceOf(Allowed.class);
    return ((Allowed) decision).principal();
  }

  @Nested
  class With_keys {

    private final AccessControl access = AccessControl.withKeys(TestKeys.keys(), new Rate(1, 3), now::get);

    @Test
    void health_is_open_without_a_key_and_establishes_no_principal() {
      assertThat(access.check(Operation.HEALTH_LIVE, null, HERE)).isInstanceOf(Open.class);
      assertThat(access.check(Operation.HEALTH_READY, "Bearer wrong", HERE)).isInstanceOf(Open.class);
    }

    @Test
    void a_request_without_a_key_is_unauthenticated_and_told_how_to_authenticate() {
      Denied denied = denied(access.check(Operation.FEED, null, HERE));

      assertThat(denied.status()).isEqualTo(401);
      assertThat(denied.title()).isEqualTo("Unauthorized");
      assertThat(denied.detail()).isEqualTo("missing header Authorization: Bearer <key>");
      assertThat(denied.headers()).isEqualTo(Map.of("WWW-Authenticate", "Bearer realm=\"annals\""));
    }

    @Test
    void a_header_in_another_scheme_is_unauthenticated() {
      assertThat(denied(access.check(Operation.FEED, "Basic " + TestKeys.READER_KEY, HERE)).detail())
          .isEqualTo("the Authorization header must be \"Bearer <key>\"");
      assertThat(denied(access.check(Operation.FEED, "Bearer ", HERE)).status()).isEqualTo(401);
      assertThat(denied(access.check(Operation.FEED, TestKeys.READER_KEY, HERE)).status()).isEqualTo(401);
    }

    @Test
    void an_unknown_key_is_unauthenticated_and_the_answer_does_not_repeat_it() {
      Denied denied = denied(access.check(Operation.INGEST, bearer("guessed-key"), HERE));

      assertThat(denied.reason()).isEqualTo(Reason.UNAUTHENTICATED);
      assertThat(denied.detail()).isEqualTo("unknown API key");
    }

    @Test
    void the_scheme_is_case_insensitive_and_spaces_around_the_key_do_not_matter() {
      assertThat(principal(access.check(Operation.FEED, "bearer  " + TestKeys.READER_KEY + " ", HERE)).name())
          .isEqualTo("reports");
    }

    @Test
    void a_producer_may_ingest_and_is_forbidden_to_read_naming_its_key_and_role() {
      assertThat(principal(access.check(Operation.INGEST, bearer(TestKeys.PRODUCER_KEY), HERE)).name())
          .isEqualTo("billing-prod");

      Denied denied = denied(access.check(Operation.FEED, bearer(TestKeys.PRODUCER_KEY), HERE));
      assertThat(denied.status()).isEqualTo(403);
      assertThat(denied.headers()).isEmpty();
      assertThat(denied.detail())
          .isEqualTo("API key \"billing-prod\" (role producer) may not call GET /feed; roles allowed: [reader, admin]");
    }

    @Test
    void a_reader_may_read_and_is_forbidden_to_ingest() {
      assertThat(principal(access.check(Operation.QUERY_EVENTS, bearer(TestKeys.READER_KEY), HERE)).role())
          .isEqualTo(Role.READER);
      assertThat(denied(access.check(Operation.INGEST, bearer(TestKeys.READER_KEY), HERE)).status()).isEqualTo(403);
    }

    @Test
    void an_admin_may_call_every_operation() {
      for (Operation operation : Operation.values()) {
        assertThat(access.check(operation, bearer(TestKeys.ADMIN_KEY), HERE)).isNotInstanceOf(Denied.class);
        now.addAndGet(1_000_000_000L);
      }
    }

    @Test
    void a_key_over_its_budget_gets_429_with_retry_after_and_other_keys_do_not() {
      for (int i = 0; i < 3; i++) {
        principal(access.check(Operation.INGEST, bearer(TestKeys.PRODUCER_KEY), HERE));
      }

      Denied denied = denied(access.check(Operation.INGEST, bearer(TestKeys.PRODUCER_KEY), HERE));
      assertThat(denied.status()).isEqualTo(429);
      assertThat(denied.headers()).isEqualTo(Map.of("Retry-After", "1"));
      assertThat(denied.detail())
          .isEqualTo("API key \"billing-prod\" is over its budget of 1 requests/s (burst 3); retry after 1 s");
      assertThat(principal(access.check(Operation.FEED, bearer(TestKeys.READER_KEY), HERE)).name()).isEqualTo("reports");
    }

    @Test
    void a_key_is_budgeted_whatever_address_it_comes_from() {
      for (int i = 0; i < 3; i++) {
        access.check(Operation.FEED, bearer(TestKeys.READER_KEY), "198.51.100." + i);
      }

      assertThat(denied(access.check(Operation.FEED, bearer(TestKeys.READER_KEY), THERE)).status()).isEqualTo(429);
    }

    @Test
    void forbidden_requests_spend_the_keys_budget_too() {
      for (int i = 0; i < 3; i++) {
        assertThat(denied(access.check(Operation.INGEST, bearer(TestKeys.READER_KEY), HERE)).status()).isEqualTo(403);
      }

      assertThat(denied(access.check(Operation.FEED, bearer(TestKeys.READER_KEY), HERE)).status()).isEqualTo(429);
    }

    @Test
    void guessing_keys_is_budgeted_per_address_without_touching_real_keys_from_there() {
      for (int i = 0; i < 3; i++) {
        assertThat(denied(access.check(Operation.INGEST, bearer("guess-" + i), HERE)).status()).isEqualTo(401);
      }

      assertThat(denied(access.check(Operation.INGEST, bearer("guess-3"), HERE)).status()).isEqualTo(429);
      assertThat(denied(access.check(Operation.INGEST, null, HERE)).status()).isEqualTo(429);
      assertThat(denied(access.check(Operation.INGEST, bearer("guess-4"), THERE)).status()).isEqualTo(401);
      assertThat(principal(access.check(Operation.INGEST, bearer(TestKeys.PRODUCER_KEY), HERE)).name())
          .isEqualTo("billing-prod");
    }

    @Test
    void authentication_is_on() {
      assertThat(access.authenticationOn()).isTrue();
    }
  }

  @Nested
  class Without_keys {

    private final AccessControl access = AccessControl.withoutKeys(new Rate(1, 2), now::get);

    @Test
    void every_caller_may_call_every_operation_as_the_unauthenticated_principal() {
      assertThat(access.authenticationOn()).isFalse();
      assertThat(principal(access.check(Operation.INGEST, null, HERE))).isEqualTo(Principal.unauthenticated());
      assertThat(principal(access.check(Operation.METRICS, "Bearer whatever", THERE))).isEqualTo(Principal.unauthenticated());
    }

    @Test
    void callers_are_budgeted_per_address() {
      access.check(Operation.FEED, null, HERE);
      access.check(Operation.FEED, null, HERE);

      Denied denied = denied(access.check(Operation.FEED, null, HERE));
      assertThat(denied.status()).isEqualTo(429);
      assertThat(denied.detail()).startsWith("caller 192.0.2.10 is over its budget");
      assertThat(access.check(Operation.FEED, null, THERE)).isInstanceOf(Allowed.class);
    }

    @Test
    void health_is_never_budgeted() {
      for (int i = 0; i < 10; i++) {
        assertThat(access.check(Operation.HEALTH_READY, null, HERE)).isInstanceOf(Open.class);
      }
    }
  }

  @Test
  void the_bearer_token_is_taken_from_the_header_exactly() {
    assertThat(AccessControl.bearer("Bearer abc-_=")).contains("abc-_=");
    assertThat(AccessControl.bearer("BEARER abc")).contains("abc");
    assertThat(AccessControl.bearer("Bearer")).isEmpty();
    assertThat(AccessControl.bearer("Bearerabc")).isEmpty();
    assertThat(AccessControl.bearer("Bearer a b")).as("a key has no spaces").isEmpty();
    assertThat(AccessControl.bearer("Bearer ab\u00e9")).isEmpty();
    assertThat(AccessControl.bearer(null)).isEmpty();
  }
}
