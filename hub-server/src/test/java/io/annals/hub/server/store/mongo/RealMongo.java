package io.annals.hub.server.store.mongo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Real MongoDB (a single-node replica set, so majority writes and reads mean what they mean in
 * production) through Testcontainers, where a Docker engine exists. Without one, each test that
 * needs it is reported as skipped with {@link #NO_DOCKER}, and the reason is printed once.
 */
final class RealMongo implements AutoCloseable {

  static final String NO_DOCKER = "Docker engine not available: real-MongoDB tests skipped";

  private final MongoDBContainer container;

  private RealMongo(MongoDBContainer container) {
    this.container = container;
  }

  /** Starts MongoDB in Docker, or, without a Docker engine, says so and starts nothing. */
  static RealMongo start() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      System.out.println(NO_DOCKER);
      return new RealMongo(null);
    }
    MongoDBContainer container = new MongoDBContainer(DockerImageName.parse("mongo:7.0"));
    container.start();
    return new RealMongo(container);
  }

  /** The connection string; skips the calling test (with the reason) when there is no Docker engine. */
  String connectionString() {
    assumeTrue(container != null, NO_DOCKER);
    return container.getConnectionString() + "/?directConnection=true";
  }

  /** Freezes the server's processes (docker pause): it keeps its connections but answers nothing. */
  void pause() {
    container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
  }

  void unpause() {
    container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
  }

  @Override
  public void close() {
    if (container != null) {
      container.stop();
    }
  }
}
