package io.annals.hub.client;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A producer run as a child JVM by the crash tests.
 *
 * <ul>
 *   <li>{@code publish HUB SPOOL COUNT INTENDED PUBLISHED THREADS}: publishes COUNT events from
 *       THREADS threads; writes each id to INTENDED before its publish and to PUBLISHED once
 *       publish returned (so after a SIGKILL, PUBLISHED holds exactly the ids the SDK confirmed);
 *       then waits for delivery.
 *   <li>{@code drain HUB SPOOL SECONDS}: opens the spool and waits for it to empty; exit 0 when it did.
 *   <li>{@code plain HUB SPOOL [CLASS]}: checks that CLASS (default: Micrometer's registry) is not
 *       on the classpath, publishes 3 events and drains.
 * </ul>
 */
public final class ProducerProcess {

  public static final String SERVICE = "crash-test";

  private ProducerProcess() {}

  public static void main(String[] args) throws Exception {
    String hub = args[1];
    Path spool = Path.of(args[2]);
    switch (args[0]) {
      case "publish" -> publish(hub, spool, Integer.parseInt(args[3]), Path.of(args[4]), Path.of(args[5]),
          Integer.parseInt(args[6]));
      case "drain" -> System.exit(drain(hub, spool, Duration.ofSeconds(Long.parseLong(args[3]))) ? 0 : 3);
      case "plain" -> System.exit(plain(hub, spool,
          args.length > 3 ? args[3] : "io.micrometer.core.instrument.MeterRegistry"));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  /**
   * Runs {@code plain} in a child JVM whose classpath lacks every entry containing {@code
   * fragment}, checking that {@code absentClass} is indeed missing; its exit code, after at most a minute.
   */
  static int runPlainWithout(String fragment, String absentClass, String hubUrl, Path dir) throws Exception {
    Path output = dir.resolve("producer.log");
    io.annals.testsupport.ChildJvm producer = io.annals.testsupport.ChildJvm.builder(ProducerProcess.class.getName(), output)
        .classpath(io.annals.testsupport.ChildJvm.classpathWithout(fragment))
        .args(List.of("plain", hubUrl, dir.resolve("spool").toString(), absentClass)).start();
    int exit = producer.waitFor(Duration.ofSeconds(60));
    if (exit != 0) {
      System.out.println(io.annals.testsupport.ChildJvm.logTail(output, 40));
    }
    return exit;
  }

  private static AnnalsClient client(String hub, Path spool) {
    return AnnalsClient.builder().hubUrl(hub).service(SERVICE).spoolDirectory(spool)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
  }

  private static void publish(String hub, Path spool, int count, Path intended, Path published, int threads)
      throws Exception {
    UuidV7 ids = new UuidV7(java.time.Clock.systemUTC());
    AtomicInteger next = new AtomicInteger();
    // Unbuffered appends: each line is in the OS page cache, which a SIGKILL does not lose.
    try (AnnalsClient client = client(hub, spool);
        FileOutputStream before = new FileOutputStream(intended.toFile(), true);
        FileOutputStream after = new FileOutputStream(published.toFile(), true)) {
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread worker = new Thread(() -> {
          for (int n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
            String id = ids.next().toString();
            line(before, id);
            client.publish(Events.of("order-placed", "order/" + n).id(id).payload(Map.of("n", n)));
            line(after, id);
          }
        });
        worker.start();
        workers.add(worker);
      }
      for (Thread worker : workers) {
        worker.join();
      }
      System.out.println("published " + count);
      client.flush(Duration.ofMinutes(10));
    }
  }

  private static void line(FileOutputStream out, String id) {
    byte[] bytes = (id + "\n").getBytes(StandardCharsets.US_ASCII);
    synchronized (out) {
      try {
        out.write(bytes);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static boolean drain(String hub, Path spool, Duration timeout) {
    try (AnnalsClient client = client(hub, spool)) {
      System.out.println("spool holds " + client.pendingEvents() + " events");
      boolean drained = client.flush(timeout);
      System.out.println(drained ? "drained" : "still " + client.pendingEvents() + " events after " + timeout);
      return drained;
    }
  }

  private static int plain(String hub, Path spool, String absentClass) {
    try {
      Class.forName(absentClass);
      System.out.println(absentClass + " is on the classpath; this mode must run without it");
      return 4;
    } catch (ClassNotFoundException expected) {
      // The point: the SDK must work without this optional dependency.
    }
    try (AnnalsClient client = client(hub, spool)) {
      for (int i = 0; i < 3; i++) {
        client.publish("order-placed", "order/" + i, Map.of("n", i));
      }
      return client.flush(Duration.ofSeconds(30)) ? 0 : 3;
    }
  }
}
