package io.annals.hub.server.store.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import io.annals.hub.server.store.StoreCorruptException;
import io.annals.hub.server.store.StoreUnavailableException;
import org.bson.BSONException;
import java.util.Set;
import java.util.function.Supplier;

/** Translates driver exceptions at the adapter's edge: "try again later" versus "a bug or a misconfiguration". */
final class MongoErrors {

  // Server error codes that mean "not now" (https://www.mongodb.com/docs/manual/reference/error-codes/):
  // host unreachable/not found, network timeout, shutdown in progress, write concern failed,
  // max time expired, primary stepped down, exceeded time limit, socket exception, not primary,
  // interrupted at shutdown / by a replica set state change, not primary or secondary.
  private static final Set<Integer> TRANSIENT_CODES =
      Set.of(6, 7, 50, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436);

  private MongoErrors() {}

  /**
   * Server error names for damaged data (WiredTiger checksum failures, a record that does not
   * decode): MongoDB answers them instead of the data, and retrying does not help.
   */
  private static final Set<String> CORRUPTION = Set.of("DataCorruptionDetected");

  /** Runs {@code operation}, translating a driver exception into what it means for the hub. */
  static <T> T call(String what, Supplier<T> operation) {
    try {
      return operation.get();
    } catch (MongoException e) {
      throw translate(what, e);
    } catch (BSONException e) {
      // The driver could not decode what the server sent: a damaged document, as SQLite's SQLITE_CORRUPT.
      throw corrupt(what, e);
    }
  }

  /** {@link #call} for an operation without a result. */
  static void run(String what, Runnable operation) {
    call(what, () -> {
      operation.run();
      return null;
    });
  }

  /**
   * StoreCorruptException when MongoDB reports damaged data, StoreUnavailableException when it may
   * answer again later; IllegalStateException otherwise.
   */
  static RuntimeException translate(String what, MongoException e) {
    // Set.of(..).contains(null) throws: a server error without a code name (a duplicate key, from some servers) is not damage.
    if (e instanceof MongoServerException server && server.getErrorCodeName() != null && CORRUPTION.contains(server.getErrorCodeName())
        || e.getCause() instanceof BSONException) {
      return corrupt(what, e);
    }
    if (isTransient(e)) {
      return new StoreUnavailableException(
          what + " failed: MongoDB did not answer (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    return new IllegalStateException(what + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
  }

  private static StoreCorruptException corrupt(String what, RuntimeException e) {
    return new StoreCorruptException("MongoDB holds damaged data: " + what + " failed: "
        + e.getClass().getSimpleName() + ": " + e.getMessage() + "; restore from a backup (README, Runbook: AnnalsHubStoreCorrupt)", e);
  }

  static boolean isTransient(MongoException e) {
    if (e instanceof MongoTimeoutException
        || e instanceof MongoSocketException
        || e instanceof MongoNotPrimaryException
        || e instanceof MongoNodeIsRecoveringException
        || e instanceof MongoConnectionPoolClearedException
        || e instanceof MongoExecutionTimeoutException
        || e instanceof MongoInterruptedException
        || e instanceof MongoWriteConcernException) {
      return true;
    }
    if (e instanceof MongoBulkWriteException bulk && bulk.getWriteConcernError() != null) {
      return true;
    }
    if (e instanceof MongoClientException) {
      return false; // client-side misuse or configuration (e.g. authentication), not an outage
    }
    return e.hasErrorLabel("RetryableWriteError") || TRANSIENT_CODES.contains(e.getCode());
  }
}
