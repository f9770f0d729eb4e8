package io.annals.ops.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The store under test: where a hub named {@code name} keeps its events (its own data directory,
 * or its own MongoDB database), and raw access to that same place for the baselines and for loading
 * history. Each name is a fresh, empty store the first time it is used.
 */
interface Target extends AutoCloseable {

  /** For the report: which store, and where. */
  String describe();

  /** The hub flags that select this store for {@code name}. */
  List<String> hubArgs(String name);

  /** Environment for the hub: secrets such as a MongoDB URI go here, not on its command line. */
  Map<String, String> hubEnv();

  /** Raw driver access to the store of {@code name} (the hub's, if a hub runs with that name). */
  RawStore openRaw(String name);

  /** Removes what the run created where the store does not live in the work directory. */
  @Override
  void close();

  /** SQLite files in the work directory, one data directory per name. */
  static Target embedded(Path workDir) {
    return new Target() {
      @Override
      public String describe() {
        return "embedded SQLite (WAL, synchronous=FULL) in " + workDir;
      }

      @Override
      public List<String> hubArgs(String name) {
        return List.of("--store", "embedded", "--data-dir", workDir.resolve(name).toString());
      }

      @Override
      public Map<String, String> hubEnv() {
        return Map.of();
      }

      @Override
      public RawStore openRaw(String name) {
        return RawSqlite.open(workDir.resolve(name));
      }

      @Override
      public void close() {}
    };
  }

  /** One database per name, {@code annals_bench_<run>_<name>}, dropped at the end. */
  static Target mongodb(String uri, String run) {
    Set<String> databases = new TreeSet<>();
    return new Target() {
      @Override
      public String describe() {
        return "MongoDB (w:majority, j:true) at " + RawMongo.redacted(uri);
      }

      @Override
      public List<String> hubArgs(String name) {
        return List.of("--store", "mongodb", "--mongodb-database", database(name));
      }

      @Override
      public Map<String, String> hubEnv() {
        return Map.of("HUB_MONGODB_URI", uri);
      }

      @Override
      public RawStore openRaw(String name) {
        return RawMongo.open(uri, database(name));
      }

      private String database(String name) {
        String db = ("annals_bench_" + run + "_" + name).replaceAll("[^A-Za-z0-9_]", "_");
        databases.add(db);
        return db;
      }

      @Override
      public void close() {
        RawMongo.drop(uri, new ArrayList<>(databases));
      }
    };
  }
}
