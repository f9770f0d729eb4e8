package io.annals.hub.server.store.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The validated settings of a {@link MongoEventStore}, and the driver settings made from them. */
record MongoSettings(
    ConnectionString connectionString,
    String database,
    Duration serverSelectionTimeout,
    Duration connectTimeout,
    Duration socketTimeout,
    Duration clockRefresh,
    Clock clock) {

  /**
   * Durability and bounded waits are the hub's contract, so they override whatever the connection
   * string says: majority + journal, the primary, and timeouts everywhere a call could otherwise
   * wait for minutes (server selection, connecting, reading, waiting for a pooled connection).
   */
  MongoClientSettings clientSettings() {
    return MongoClientSettings.builder()
        .applyConnectionString(connectionString)
        .writeConcern(WriteConcern.MAJORITY.withJournal(true))
        .readPreference(ReadPreference.primary())
        .applyToClusterSettings(c -> c.serverSelectionTimeout(serverSelectionTimeout.toMillis(), TimeUnit.MILLISECONDS))
        .applyToSocketSettings(s -> s
            .connectTimeout(Math.toIntExact(connectTimeout.toMillis()), TimeUnit.MILLISECONDS)
            .readTimeout(Math.toIntExact(socketTimeout.toMillis()), TimeUnit.MILLISECONDS))
        .applyToConnectionPoolSettings(p -> p.maxWaitTime(serverSelectionTimeout.toMillis(), TimeUnit.MILLISECONDS))
        .build();
  }
}
