package io.annals.hub.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.testsupport.HubProcess;
import io.annals.hub.server.TestEvents;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: 4 KiB of the embedded store's {@code events.db} overwritten with (seeded)
 * garbage, at several offsets, with the hub stopped and while it runs. What must survive: the hub
 * refuses to start with one line naming the damaged file, or answers 503 {@code store-corrupt};
 * every event it does answer is exactly the event sent; never a generic 500.
 */
class DatabaseDamageFaultTest {

  static final int EVENTS = 4000;
  static final int DAMAGE = 4096;

  @TempDir static Path dir;
  static Path pristine;
  static List<String> ids = new ArrayList<>();

  /** One hub run writes the history every case damages a copy of; the hub stops gracefully, so the file holds it all. */
  @BeforeAll
  static void write_a_history() throws Exception {
    Path data = dir.resolve("pristine");
    HubProcess hub = FaultHubs.started(data, Map.of());
    try {
      FaultClient client = new FaultClient(hub::port);
      for (int batch = 0; batch < EVENTS / 500; batch++) {
        int first = batch * 500;
        // Ids fixed from run to run, so that every run lays the file out alike and the damage hits alike
        List<String> batchIds = IntStream.range(first, first + 500)
            .mapToObj(i -> UUID.nameUUIDFromBytes(("damage-" + i).getBytes(StandardCharsets.UTF_8)).toString()).toList();
        HttpResponse<String> answer = client.postBatch(batchIds);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        ids.addAll(batchIds);
      }
    } finally {
      hub.terminate();
      hub.awaitExit();
    }
    pristine = data.resolve("events.db");
    assertThat(data.resolve("events.db-wal")).as("the log is checkpointed into the file at a graceful stop").doesNotExist();
  }

  @Test
  void damage_at_any_of_several_offsets_with_the_hub_stopped_refuses_start_naming_the_file_or_answers_503_store_corrupt() throws Exception {
    long size = Files.size(pristine);
    long pages = size / DAMAGE;
    List<Long> offsets = List.of(0L, DAMAGE * 1L, pages / 4 * DAMAGE, pages / 2 * DAMAGE, pages * 3 / 4 * DAMAGE, (pages - 1) * DAMAGE);
    List<String> outcomes = new ArrayList<>();
    for (long offset : offsets) {
      Path data = dir.resolve("stopped-" + offset);
      Files.createDirectories(data);
      Path file = data.resolve("events.db");
      Files.copy(pristine, file, StandardCopyOption.REPLACE_EXISTING);
      overwrite(file, offset);

      HubProcess hub = FaultHubs.launched(data, Map.of());
      try {
        if (FaultHubs.exitsWithin(hub, java.time.Duration.ofSeconds(20))) {
          // Refused: exit 1, one line naming the file and the damage
          assertThat(hub.awaitExit()).as("exit code at offset %d", offset).isEqualTo(1);
          List<String> refusal = hub.output().stream().filter(l -> l.startsWith("annals hub: could not start")).toList();
          assertThat(refusal).as("output at offset %d: %s", offset, hub.output()).hasSize(1);
          assertThat(refusal.get(0)).contains(file.toString()).contains("damaged");
          outcomes.add(offset + ": refused to start: " + refusal.get(0));
        } else {
          outcomes.add(offset + ": started; " + readEverything(new FaultClient(hub::port), offset));
        }
      } finally {
        hub.close();
      }
    }
    System.out.println("DatabaseDamageFaultTest (hub stopped), 4 KiB of " + size + " bytes overwritten at:\n  "
        + String.join("\n  ", outcomes));
  }

  @Test
  void damage_while_the_hub_runs_answers_exact_events_or_503_store_corrupt_and_readiness_says_so() throws Exception {
    Path data = dir.resolve("running");
    Files.createDirectories(data);
    Path file = data.resolve("events.db");
    Files.copy(pristine, file, StandardCopyOption.REPLACE_EXISTING);
    HubProcess hub = FaultHubs.started(data, Map.of());
    try {
      long pages = Files.size(file) / DAMAGE;
      // A few pages in the second half: some reads miss them (and must answer exactly), some do not
      for (long page : List.of(pages / 2, pages * 2 / 3, pages * 5 / 6, pages - 2)) {
        overwrite(file, page * DAMAGE);
      }
      FaultClient client = new FaultClient(hub::port);
      String outcome = readEverything(client, -1);
      System.out.println("DatabaseDamageFaultTest (hub running): " + outcome);
      assertThat(outcome).as("the damage was noticed by some read").contains("503 store-corrupt");
      HttpResponse<String> ready = client.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(TestEvents.parse(ready.body()).get("type").asText()).isEqualTo("urn:annals:problem:store-corrupt");
      assertThat(hub.output().stream().filter(l -> l.contains("is damaged:")).count())
          .as("damage logged once: %s", hub.output()).isEqualTo(1);
    } finally {
      hub.close();
    }
  }

  /**
   * Reads every event by id, and the whole history by query and by feed: each answer is 200 with
   * exactly the events sent, or 503 store-corrupt; anything else fails. Returns what was answered.
   */
  private static String readEverything(FaultClient client, long offset) {
    int exact = 0;
    int corrupt = 0;
    for (String id : ids) {
      HttpResponse<String> answer = client.get("/events/" + id);
      if (isCorrupt(answer, offset)) {
        corrupt++;
      } else {
        assertThat(answer.statusCode()).as("GET /events/%s at offset %d: %s", id, offset, answer.body()).isEqualTo(200);
        assertSame(TestEvents.parse(answer.body()), id, offset);
        exact++;
      }
    }
    String cursor = null;
    int listed = 0;
    String listing = "listed all";
    while (true) {
      HttpResponse<String> page = client.get("/events?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
      if (isCorrupt(page, offset)) {
        listing = "listing stopped with 503 store-corrupt after " + listed;
        break;
      }
      assertThat(page.statusCode()).as("GET /events at offset %d: %s", offset, page.body()).isEqualTo(200);
      JsonNode body = TestEvents.parse(page.body());
      for (JsonNode event : body.get("events")) {
        assertThat(ids).as("listed event at offset %d", offset).contains(event.get("id").asText());
        assertSame(event, event.get("id").asText(), offset);
        listed++;
      }
      if (body.get("next").isNull()) {
        assertThat(listed).as("events listed at offset %d", offset).isEqualTo(ids.size());
        break;
      }
      cursor = java.net.URLEncoder.encode(body.get("next").asText(), java.nio.charset.StandardCharsets.UTF_8);
    }
    return exact + " events read exactly, " + corrupt + " answered 503 store-corrupt, " + listing;
  }

  private static boolean isCorrupt(HttpResponse<String> answer, long offset) {
    assertThat(answer).as("an answer at offset %d", offset).isNotNull();
    assertThat(answer.statusCode()).as("never a 500 (offset %d): %s", offset, answer.body()).isNotEqualTo(500);
    if (answer.statusCode() != 503) {
      return false;
    }
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    assertThat(TestEvents.parse(answer.body()).get("type").asText()).as("503 at offset %d", offset)
        .isEqualTo("urn:annals:problem:store-corrupt");
    return true;
  }

  /** The event as the hub answers it is the event sent with that id (TestEvents.json), field by field. */
  private static void assertSame(JsonNode answered, String id, long offset) {
    JsonNode sent = TestEvents.node(id);
    assertThat(answered.get("id").asText()).isEqualTo(id);
    for (String field : List.of("service", "type", "created_at", "aggregate_id", "correlation_id")) {
      assertThat(answered.get("meta").get(field).asText()).as("%s of %s at offset %d", field, id, offset)
          .isEqualTo(field.equals("created_at") ? "2026-01-01T12:00:00.000000Z" : sent.get("meta").get(field).asText());
    }
    assertThat(answered.get("payload").toString()).as("payload of %s at offset %d", id, offset)
        .isEqualTo(sent.get("payload").toString());
  }

  /** Overwrites {@link #DAMAGE} bytes at {@code offset} with garbage, the same for the same offset. */
  private static void overwrite(Path file, long offset) throws Exception {
    byte[] garbage = new byte[DAMAGE];
    new Random(offset).nextBytes(garbage);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      raf.write(garbage);
      raf.getFD().sync();
    }
  }
}
