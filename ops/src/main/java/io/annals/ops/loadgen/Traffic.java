package io.annals.ops.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Generates the requests of a load run: events of several services and types with realistic
 * payloads (payments carry {@code "amount": "12.5000/EUR"}), late arrivals, re-sent duplicates,
 * conflicting ids and invalid events, in the shares of a {@link TrafficMix}. Repeatable for a
 * given seed and clock. Not thread-safe: one scheduler thread calls {@link #next}.
 */
final class Traffic {

  private static final List<ServiceProfile> PROFILES = List.of(
      new ServiceProfile("billing", "payment-completed", "payment-failed", "invoice-issued"),
      new ServiceProfile("orders", "order-placed", "order-cancelled"),
      new ServiceProfile("shipping", "shipment-dispatched", "shipment-delivered"),
      new ServiceProfile("inventory", "stock-reserved", "stock-released"),
      new ServiceProfile("accounts", "account-opened", "account-closed"),
      new ServiceProfile("subscriptions", "subscription-started", "subscription-renewed"));
  private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "USD", "GBP"};
  private static final int HISTORY = 1024;
  private static final int AGGREGATES_PER_SERVICE = 500;

  private final List<ServiceProfile> services;
  private final double[] cumulativeWeights;
  private final TrafficMix mix;
  private final Random random;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final ObjectNode[] history = new ObjectNode[HISTORY];
  private long sentFresh;

  Traffic(int services, TrafficMix mix, long seed, Clock clock) {
    this.services = profiles(services);
    this.cumulativeWeights = zipfWeights(services);
    this.mix = mix;
    this.random = new Random(seed);
    this.clock = clock;
  }

  /** The next request, holding at most {@code maxEvents} events (a batch only when 2 or more fit). */
  PlannedRequest next(int maxEvents) {
    if (maxEvents >= 2 && random.nextDouble() < mix.batchShare()) {
      int size = Math.min(maxEvents, 2 + random.nextInt(mix.maxBatch() - 1));
      ArrayNode batch = json.createArrayNode();
      List<Intent> intents = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        intents.add(nextEvent(batch.addObject()));
      }
      return new PlannedRequest(batch.toString(), true, intents);
    }
    ObjectNode event = json.createObjectNode();
    Intent intent = nextEvent(event);
    return new PlannedRequest(event.toString(), false, List.of(intent));
  }

  /** The service names this run uses, most active first. */
  List<String> serviceNames() {
    return services.stream().map(ServiceProfile::name).toList();
  }

  private Intent nextEvent(ObjectNode into) {
    double draw = random.nextDouble();
    if (draw < mix.invalidShare()) {
      invalid(into);
      return Intent.INVALID;
    }
    draw -= mix.invalidShare();
    if (draw < mix.duplicateShare() && sentFresh > 0) {
      into.setAll(earlier());
      return Intent.DUPLICATE;
    }
    draw -= mix.duplicateShare();
    if (draw < mix.conflictShare() && sentFresh > 0) {
      into.setAll(earlier());
      // Same id, other content: what a producer does when it reuses ids.
      ((ObjectNode) into.get("payload")).put("amended_at", format(clock.instant()));
      return Intent.CONFLICT;
    }
    boolean late = random.nextDouble() < mix.lateShare();
    fresh(into, late);
    history[(int) (sentFresh++ % HISTORY)] = into.deepCopy();
    return late ? Intent.LATE : Intent.FRESH;
  }

  private void fresh(ObjectNode event, boolean late) {
    ServiceProfile service = pickService();
    String type = service.types().get(random.nextInt(service.types().size()));
    Instant now = clock.instant();
    Instant createdAt = late ? now.minus(lateness()) : now.minusMillis(random.nextInt(1500));
    event.put("id", uuid7(createdAt));
    ObjectNode meta = event.putObject("meta");
    meta.put("service", service.name());
    meta.put("type", type);
    meta.put("created_at", random.nextInt(5) == 0 ? formatWithOffset(createdAt) : format(createdAt));
    meta.put("aggregate_id", aggregateOf(type) + "/" + (1 + random.nextInt(AGGREGATES_PER_SERVICE)));
    if (random.nextBoolean()) {
      meta.put("correlation_id", "container/subscription/" + (1 + random.nextInt(200)));
    }
    payload(type, event.putObject("payload"));
  }

  /** Minutes (most late events) or hours (a spool drained after an outage, an import). */
  private Duration lateness() {
    return random.nextInt(10) < 6
        ? Duration.ofSeconds(60 + random.nextInt(59 * 60))
        : Duration.ofSeconds(3600 + random.nextInt(11 * 3600));
  }

  private void payload(String type, ObjectNode payload) {
    switch (type) {
      case "payment-completed" -> {
        payload.put("amount", money());
        payload.put("method", random.nextInt(4) == 0 ? "sepa-debit" : "card");
      }
      case "payment-failed" -> {
        payload.put("amount", money());
        payload.put("reason", random.nextBoolean() ? "card-declined" : "insufficient-funds");
      }
      case "invoice-issued" -> {
        payload.put("amount", money());
        payload.put("invoice_number", String.format(Locale.ROOT, "INV-%06d", random.nextInt(1_000_000)));
      }
      case "order-placed" -> {
        payload.put("total", money());
        payload.put("items", 1 + random.nextInt(6));
      }
      case "order-cancelled" -> payload.put("reason", random.nextBoolean() ? "customer-request" : "out-of-stock");
      case "shipment-dispatched" -> {
        payload.put("carrier", random.nextBoolean() ? "dhl" : "ups");
        payload.put("parcels", 1 + random.nextInt(3));
      }
      case "stock-reserved", "stock-released" -> {
        payload.put("sku", String.format(Locale.ROOT, "SKU-%05d", random.nextInt(20_000)));
        payload.put("quantity", 1 + random.nextInt(10));
      }
      case "account-opened" -> payload.put("plan", random.nextBoolean() ? "basic" : "pro");
      case "subscription-started", "subscription-renewed" -> {
        payload.put("amount", money());
        payload.put("period", random.nextInt(5) == 0 ? "P1Y" : "P1M");
      }
      default -> payload.put("version", 1 + random.nextInt(50));
    }
  }

  /** A decimal amount with four places and a currency, e.g. {@code 12.5000/EUR}. */
  private String money() {
    int cents = 100 + random.nextInt(50_000);
    return String.format(Locale.ROOT, "%d.%02d00/%s", cents / 100, cents % 100, CURRENCIES[random.nextInt(CURRENCIES.length)]);
  }

  /** One of the mistakes producers make; each breaks exactly one rule of the envelope. */
  private void invalid(ObjectNode event) {
    fresh(event, false);
    ObjectNode meta = (ObjectNode) event.get("meta");
    switch (random.nextInt(6)) {
      case 0 -> meta.remove("type");
      case 1 -> meta.put("created_at", format(clock.instant().plus(Duration.ofDays(1))));
      case 2 -> meta.put("created_at", "2026-01-01 12:00:00");
      case 3 -> event.remove("meta");
      case 4 -> event.put("id", "order-" + random.nextInt(1000));
      default -> event.putArray("payload").add("not an object");
    }
  }

  private ObjectNode earlier() {
    int size = (int) Math.min(sentFresh, HISTORY);
    return history[random.nextInt(size)].deepCopy();
  }

  private ServiceProfile pickService() {
    double draw = random.nextDouble();
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (draw < cumulativeWeights[i]) {
        return services.get(i);
      }
    }
    return services.get(services.size() - 1);
  }

  /** A UUIDv7 (time-ordered), as the SDK makes them, from this generator's random source. */
  private String uuid7(Instant at) {
    long msb = (at.toEpochMilli() << 16) | 0x7000L | random.nextInt(0x1000);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }

  private static String aggregateOf(String type) {
    int dash = type.indexOf('-');
    return dash < 0 ? type : type.substring(0, dash);
  }

  private static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** Some producers send local time with an offset; the hub stores UTC. */
  private static String formatWithOffset(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.ofHours(2))
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  private static List<ServiceProfile> profiles(int count) {
    List<ServiceProfile> result = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      result.add(i < PROFILES.size() ? PROFILES.get(i)
          : new ServiceProfile("service-" + (i + 1), "record-created", "record-updated"));
    }
    return result;
  }

  /** Service i gets weight 1/(i+1): a few busy producers and a long tail, as in real systems. */
  private static double[] zipfWeights(int count) {
    double[] cumulative = new double[count];
    double total = 0;
    for (int i = 0; i < count; i++) {
      total += 1.0 / (i + 1);
      cumulative[i] = total;
    }
    for (int i = 0; i < count; i++) {
      cumulative[i] /= total;
    }
    return cumulative;
  }

  private record ServiceProfile(String name, List<String> types) {
    ServiceProfile(String name, String... types) {
      this(name, List.of(types));
    }
  }
}
