package io.annals.hub.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AuthorizerTest {

  private static final Principal PRODUCER = new Principal("billing-prod", Role.PRODUCER, Set.of("billing", "invoicing"));
  private static final Principal READER = new Principal("reports", Role.READER, Set.of());
  private static final Principal ADMIN = new Principal("ops", Role.ADMIN, Set.of());

  // The table from the security issue, written out again here so that a change to it is a decision.
  private static final Map<Operation, Set<Role>> EXPECTED = Map.ofEntries(
      Map.entry(Operation.INGEST, EnumSet.of(Role.PRODUCER, Role.ADMIN)),
      Map.entry(Operation.INGEST_BATCH, EnumSet.of(Role.PRODUCER, Role.ADMIN)),
      Map.entry(Operation.GET_EVENT, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.QUERY_EVENTS, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.AGGREGATE_HISTORY, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.FEED, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.FEED_STREAM, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.FEED_LAG, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.METRICS, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.HEALTH_LIVE, EnumSet.allOf(Role.class)),
      Map.entry(Operation.HEALTH_READY, EnumSet.allOf(Role.class)),
      Map.entry(Operation.OPENAPI, EnumSet.allOf(Role.class)),
      Map.entry(Operation.LEDGER_DIGEST, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.LEDGER_KEY, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.LEDGER_INCLUSION, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.LEDGER_CONSISTENCY, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.ERASE, EnumSet.of(Role.ADMIN)),
      Map.entry(Operation.LIST_ERASURES, EnumSet.of(Role.ADMIN)),
      Map.entry(Operation.GET_ERASURE, EnumSet.of(Role.ADMIN)),
      Map.entry(Operation.SCHEMA_REGISTER, EnumSet.of(Role.ADMIN)),
      Map.entry(Operation.SCHEMAS, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.SCHEMA_VERSIONS, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.SCHEMA_VERSION, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.QUARANTINE, EnumSet.of(Role.ADMIN)),
      Map.entry(Operation.QUARANTINE_RELEASE, EnumSet.of(Role.ADMIN)),
      Map.entry(Operation.QUARANTINE_DROP, EnumSet.of(Role.ADMIN)),
      Map.entry(Operation.CATALOG, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.LEDGER_LEAVES, EnumSet.of(Role.READER, Role.ADMIN)),
      Map.entry(Operation.CONSOLE, EnumSet.allOf(Role.class)),
      Map.entry(Operation.CONSOLE_FILE, EnumSet.allOf(Role.class)),
      Map.entry(Operation.DOCS, EnumSet.allOf(Role.class)),
      Map.entry(Operation.DOCS_FILE, EnumSet.allOf(Role.class)));

  @ParameterizedTest
  @EnumSource(Operation.class)
  void each_operation_is_allowed_to_exactly_the_roles_of_the_table(Operation operation) {
    assertThat(EXPECTED).containsKey(operation);
    for (Role role : Role.values()) {
      Principal caller = role == Role.PRODUCER ? PRODUCER : new Principal("k", role, Set.of());
      assertThat(Authorizer.allows(caller, operation))
          .as("%s may call %s", role, operation)
          .isEqualTo(EXPECTED.get(operation).contains(role));
    }
    assertThat(Authorizer.rolesFor(operation)).isEqualTo(EXPECTED.get(operation));
  }

  @Test
  void only_the_health_probes_the_openapi_document_and_the_consoles_static_files_are_open_without_a_key() {
    assertThat(EnumSet.allOf(Operation.class).stream().filter(Authorizer::isOpen))
        .containsExactlyInAnyOrder(Operation.HEALTH_LIVE, Operation.HEALTH_READY, Operation.OPENAPI, Operation.CONSOLE,
            Operation.CONSOLE_FILE, Operation.DOCS, Operation.DOCS_FILE);
  }

  @Test
  void a_producer_may_not_read_not_even_its_own_services_events() {
    assertThat(Authorizer.allows(PRODUCER, Operation.GET_EVENT)).isFalse();
    assertThat(Authorizer.allows(PRODUCER, Operation.FEED)).isFalse();
    assertThat(Authorizer.allows(PRODUCER, Operation.METRICS)).isFalse();
  }

  @Test
  void a_producer_publishes_only_for_the_services_bound_to_its_key() {
    assertThat(Authorizer.mayPublish(PRODUCER, "billing")).isTrue();
    assertThat(Authorizer.mayPublish(PRODUCER, "invoicing")).isTrue();
    assertThat(Authorizer.mayPublish(PRODUCER, "shipping")).isFalse();
    assertThat(Authorizer.mayPublish(PRODUCER, "Billing")).as("service names are exact").isFalse();
    assertThat(Authorizer.mayPublish(PRODUCER, null)).isFalse();
  }

  @Test
  void an_admin_publishes_for_every_service_and_a_reader_for_none() {
    assertThat(Authorizer.mayPublish(ADMIN, "shipping")).isTrue();
    assertThat(Authorizer.mayPublish(READER, "billing")).isFalse();
  }

  @Test
  void without_authentication_the_caller_may_do_everything() {
    for (Operation operation : Operation.values()) {
      assertThat(Authorizer.allows(Principal.unauthenticated(), operation)).isTrue();
    }
    assertThat(Authorizer.mayPublish(Principal.unauthenticated(), "anything")).isTrue();
  }

  @Test
  void operations_carry_their_method_and_route_template_for_the_http_layer() {
    assertThat(Operation.INGEST).hasToString("POST /events");
    assertThat(Operation.GET_EVENT.method()).isEqualTo("GET");
    assertThat(Operation.AGGREGATE_HISTORY.path()).isEqualTo("/aggregates/{aggregate_id}/events");
  }
}
