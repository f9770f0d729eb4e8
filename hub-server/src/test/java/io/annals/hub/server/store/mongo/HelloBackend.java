package io.annals.hub.server.store.mongo;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Instant;

/**
 * mongo-java-server's memory backend, answering {@code hello} as real MongoDB does (the legacy
 * {@code isMaster} answer plus {@code localTime} from the backend's clock); the plain backend does
 * not know {@code hello}. With {@code keepDataOnClose}, its data outlives a server shutdown, as a
 * real mongod's data files do (the plain backend clears its databases when the server shuts down).
 */
class HelloBackend extends MemoryBackend {

  private final boolean keepDataOnClose;

  HelloBackend(Clock clock, boolean keepDataOnClose) {
    super(clock);
    this.keepDataOnClose = keepDataOnClose;
  }

  HelloBackend() {
    this(Clock.systemUTC(), false);
  }

  @Override
  public Document handleCommand(Channel channel, String database, String command, Document query) {
    if (command.equalsIgnoreCase("hello")) {
      Document answer = super.handleCommand(channel, database, "isMaster", query);
      answer.put("localTime", Instant.now(getClock()));
      return answer;
    }
    return super.handleCommand(channel, database, command, query);
  }

  @Override
  public void close() {
    if (!keepDataOnClose) {
      super.close();
    }
  }
}
