package io.annals.ops.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ingest-batch-validated}: what payload schemas cost at ingestion. Two hubs on stores of
 * their own take the same kind of batches, alternating in chunks so that drifting load hits both
 * alike: one with a realistic schema registered for every type the generator makes (enforce), one
 * without. The figure is the validated hub's rate beside the other's; the target is at most 10%
 * slower (ratio 0.9), and both hubs' CPU per event is in the details.
 */
final class SchemaScenarios {

  static final String NAME = "ingest-batch-validated";
  private static final int CHUNK = 50_000;

  /** Every type of {@link EventGenerator}, with a schema that checks each member it writes. */
  static final Map<String, String> SCHEMAS = Map.of(
      "billing/payment-completed", "{\"type\":\"object\",\"required\":[\"amount\",\"method\"],\"additionalProperties\":false,"
          + "\"properties\":{\"amount\":{\"type\":\"string\",\"pattern\":\"^[0-9]+\\\\.[0-9]{4}/[A-Z]{3}$\",\"maxLength\":40},"
          + "\"method\":{\"enum\":[\"card\",\"sepa\",\"paypal\"]}}}",
      "shop/order-placed", "{\"type\":\"object\",\"required\":[\"items\",\"customer\"],\"additionalProperties\":false,"
          + "\"properties\":{\"items\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000},"
          + "\"customer\":{\"type\":\"string\",\"pattern\":\"^customer/[0-9]+$\"}}}",
      "shipping/parcel-sent", "{\"type\":\"object\",\"required\":[\"carrier\",\"weight_g\"],\"additionalProperties\":false,"
          + "\"properties\":{\"carrier\":{\"enum\":[\"dhl\",\"ups\",\"dpd\"]},\"weight_g\":{\"type\":\"integer\",\"minimum\":0}}}");

  private SchemaScenarios() {}

  static ScenarioResult validated(Run run, int events) throws Exception {
    try (MeasuredHub plain = run.startHub("validated-baseline"); MeasuredHub checked = run.startHub("validated")) {
      HttpClient http = HttpClient.newHttpClient();
      for (Map.Entry<String, String> s : SCHEMAS.entrySet()) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(checked.url() + "/schemas/" + s.getKey()))
            .timeout(Duration.ofSeconds(60)).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"schema\":" + s.getValue() + ",\"mode\":\"enforce\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
          throw new IllegalStateException("registering the schema of " + s.getKey() + " answered " + r.statusCode() + ": " + r.body());
        }
      }
      EventGenerator generator = EventGenerator.fresh(run.seed(), 2_000);
      List<byte[]> warm = run.bodies(generator.next(Math.min(20_000, Math.max(run.sizes().batchSize(), events / 10))));
      Load.postBatches(plain.url(), warm, IngestScenarios.BATCH_CONNECTIONS);
      Load.postBatches(checked.url(), run.bodies(generator.next(Math.min(20_000, Math.max(run.sizes().batchSize(), events / 10)))),
          IngestScenarios.BATCH_CONNECTIONS);
      Duration plainTime = Duration.ZERO;
      Duration checkedTime = Duration.ZERO;
      CpuTally plainCpu = new CpuTally();
      CpuTally checkedCpu = new CpuTally();
      for (int done = 0; done < events; ) {
        int n = Math.min(CHUNK, events - done);
        List<byte[]> forPlain = run.bodies(generator.next(n));
        List<byte[]> forChecked = run.bodies(generator.next(n));
        plainCpu.startHub(plain);
        plainTime = plainTime.plus(Load.postBatches(plain.url(), forPlain, IngestScenarios.BATCH_CONNECTIONS));
        plainCpu.stopHub(plain);
        checkedCpu.startHub(checked);
        checkedTime = checkedTime.plus(Load.postBatches(checked.url(), forChecked, IngestScenarios.BATCH_CONNECTIONS));
        checkedCpu.stopHub(checked);
        done += n;
        run.progress("%s: %,d of %,d events (validated %,.0f/s, without schemas %,.0f/s)", NAME, done, events,
            Run.rate(done, checkedTime), Run.rate(done, plainTime));
      }
      // The schemas were in effect: a payload that breaks one is refused.
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(checked.url() + "/events"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"id\":\"" + java.util.UUID.randomUUID() + "\",\"meta\":{\"service\":\"shipping\",\"type\":\"parcel-sent\","
                  + "\"created_at\":\"2026-01-01T00:00:00Z\",\"aggregate_id\":\"parcel/1\"},\"payload\":{\"carrier\":\"dhl\",\"weight_g\":-1}}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (bad.statusCode() != 400) {
        throw new IllegalStateException("the validated hub accepted a payload its schema refuses: " + bad.statusCode() + " " + bad.body());
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("events", events);
      details.put("batch_size", run.sizes().batchSize());
      details.put("types_with_schema", SCHEMAS.size());
      details.put("validated_seconds", checkedTime.toMillis() / 1000.0);
      details.put("baseline_seconds", plainTime.toMillis() / 1000.0);
      details.put("validated_hub_cpu_us_per_event", checkedCpu.hubMicrosPerEvent(events));
      details.put("baseline_hub_cpu_us_per_event", plainCpu.hubMicrosPerEvent(events));
      return ScenarioResult.ratio(NAME, Run.rate(events, checkedTime), Run.rate(events, plainTime), "events/s", 0.9, details);
    }
  }
}
