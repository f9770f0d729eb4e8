package io.annals.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.client.AnnalsClient;
import io.annals.hub.client.DeadLetter;
import io.annals.hub.client.DeliveryListener;
import io.annals.hub.client.EventBuilder;
import io.annals.hub.client.Events;
import io.annals.hub.client.Outcome;
import io.annals.hub.client.SpoolFullException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * The other way to import an export that the issue asked to weigh against {@code annals-ops
 * import}'s batched POSTs: through the producer SDK, each batch of lines {@code publishAll}ed into
 * a durable spool (one sync per batch), the SDK's sender delivering them, and the import done when
 * the spool is drained (every event acknowledged). Lines are read as the SDK reads a producer's
 * envelope ({@link Events#fromJson}: id, service, created_at, correlation id and payload kept),
 * with {@code meta.extensions} added, since {@code fromJson} leaves them out.
 */
final class SdkImport {

  /** How long the spool may take to drain before the run is called failed. */
  private static final Duration DRAIN = Duration.ofMinutes(60);

  /** What the hub acknowledged, and how long spooling and delivery took. */
  record Result(Duration elapsed, long created, long duplicate, long deadLettered) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private SdkImport() {}

  /** Imports every line of the export in {@code exportDir} into {@code hub} through a client on a new spool in {@code spoolDir}. */
  static Result run(URI hub, Path exportDir, Path spoolDir, int batch, long events) throws IOException {
    AtomicLong created = new AtomicLong();
    AtomicLong duplicate = new AtomicLong();
    AtomicLong dead = new AtomicLong();
    DeliveryListener tally = new DeliveryListener() {
      @Override
      public void deadLettered(DeadLetter letter) {
        dead.incrementAndGet();
      }

      @Override
      public void delivered(String eventId, Outcome outcome) {
        (outcome == Outcome.CREATED ? created : duplicate).incrementAndGet();
      }
    };
    long start = System.nanoTime();
    // The spool holds the whole import if the hub falls behind: bounds above the export's size, so
    // that the run measures delivery and not waiting for room (publishAll waits when full all the same).
    try (AnnalsClient client = AnnalsClient.builder().hubUrl(hub.toString()).service("import").spoolDirectory(spoolDir)
        .maxSpoolEvents(Math.max(1_000_000, events + batch)).maxSpoolBytes(Math.max(256L << 20, events * 2048))
        .batchSize(batch, 8L << 20).listener(tally).build()) {
      List<EventBuilder> pending = new ArrayList<>(batch);
      for (JsonNode s : JSON.readTree(exportDir.resolve("manifest.json").toFile()).path("segments")) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(
            exportDir.resolve(s.path("file").asText()))), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            pending.add(event(line));
            if (pending.size() == batch) {
              publish(client, pending);
              pending = new ArrayList<>(batch);
            }
          }
        }
      }
      if (!pending.isEmpty()) {
        publish(client, pending);
      }
      if (!client.flush(DRAIN)) {
        throw new IllegalStateException("the SDK did not deliver the import within " + DRAIN + ": " + client.pendingEvents() + " pending");
      }
    }
    return new Result(Duration.ofNanos(System.nanoTime() - start), created.get(), duplicate.get(), dead.get());
  }

  /** An export line as the SDK's builder: the envelope as {@code fromJson} reads it, plus its extensions. */
  static EventBuilder event(String line) throws IOException {
    EventBuilder event = Events.fromJson(line);
    if (line.contains("\"extensions\"")) {
      JsonNode extensions = JSON.readTree(line).path("meta").path("extensions");
      extensions.fields().forEachRemaining(e -> event.extension(e.getKey(), e.getValue().asText()));
    }
    return event;
  }

  /** publishAll, waiting for room while the spool is full. */
  private static void publish(AnnalsClient client, List<EventBuilder> events) {
    while (true) {
      try {
        client.publishAll(events);
        return;
      } catch (SpoolFullException full) {
        client.flush(Duration.ofMillis(200));
      }
    }
  }
}
