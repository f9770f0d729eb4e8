package io.annals.projections.reports;

import io.annals.projections.sql.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteReportsTest extends ReportsContract {

  @TempDir Path dir;

  @Override
  protected Database freshDatabase() {
    return Database.open("jdbc:sqlite:" + dir.resolve("read-models.db"));
  }
}
