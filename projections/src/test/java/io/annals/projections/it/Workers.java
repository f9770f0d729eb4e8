package io.annals.projections.it;

import io.annals.projections.sql.Database;
import io.annals.projections.support.Sql;
import io.annals.testsupport.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starts {@link AuditedWorker} child JVMs and reads what they built. */
final class Workers {

  private Workers() {}

  static ChildJvm start(Path dir, String workerId, String hub, String db, String command, String... extra) {
    List<String> args = new ArrayList<>(List.of(command, "--hub", hub, "--db", db, "--worker-id", workerId,
        "--metrics-port", "0", "--batch-size", "500"));
    args.addAll(List.of(extra));
    return ChildJvm.start(dir.resolve(workerId + ".log"), AuditedWorker.class.getName(), args);
  }

  /** Every read model a run builds, as rows, for comparing two runs. */
  static Map<String, List<List<String>>> readModels(Database database) {
    Map<String, List<List<String>>> models = new LinkedHashMap<>();
    for (String query : List.of(
        "SELECT day, currency, total, count FROM payments_daily ORDER BY day, currency",
        "SELECT day, service, type, count FROM events_daily ORDER BY day, service, type",
        "SELECT service, type, aggregate_id, created_at, event_id FROM events_latest ORDER BY service, type",
        "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM audit",
        "SELECT projection, slot, generation, handled, state FROM projection_checkpoint ORDER BY projection")) {
      models.put(query, Sql.rows(database, query));
    }
    return models;
  }

  /** Events handled per projection, by the checkpoints. */
  static List<List<String>> handled(Database database) {
    try {
      return Sql.rows(database, "SELECT projection, handled FROM projection_checkpoint ORDER BY projection");
    } catch (IllegalStateException notYetCreated) {
      return List.of();
    }
  }

  static long audited(Database database) {
    try {
      return Sql.count(database, "SELECT COUNT(*) FROM audit");
    } catch (IllegalStateException notYetCreated) {
      return 0;
    }
  }
}
