package io.annals.ops.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Generates realistic events, repeatably from a seed: 60% {@code payment-completed} (billing, an
 * amount like {@code "123.4500/EUR"}, the report the payments projection builds), 30%
 * {@code order-placed} (shop), 10% {@code parcel-sent} (shipping); aggregates drawn from a
 * million, a correlation id on half of them, {@code created_at} within the ten days before the
 * time of the first id. Ids are time-ordered like the SDK's UUIDv7, so that, as in production, new ids
 * land at the end of the id index. Not thread-safe: one generator per thread.
 */
final class EventGenerator {

  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "JPY"};
  private static final long TEN_DAYS_MICROS = TimeUnit.DAYS.toMicros(10);

  private final SplittableRandom random;
  private final long idMillis;
  private final long startMicros;
  private long sequence;

  /** A generator whose ids carry the time {@code idMillis} onwards (advanced every 4,096 events). */
  EventGenerator(long seed, long idMillis) {
    this.random = new SplittableRandom(seed);
    this.idMillis = idMillis;
    this.startMicros = TimeUnit.MILLISECONDS.toMicros(idMillis);
  }

  /** A generator of fresh ids from now on; {@code stream} keeps parallel generators' ids apart. */
  static EventGenerator fresh(long seed, int stream) {
    return new EventGenerator(seed * 1_000_003L + stream, System.currentTimeMillis());
  }

  BenchEvent next() {
    long n = sequence++;
    int kind = random.nextInt(10);
    String aggregate;
    String service;
    String type;
    String payload;
    if (kind < 6) {
      service = "billing";
      type = "payment-completed";
      aggregate = "payment/" + random.nextInt(1_000_000);
      payload = "{\"amount\":\"" + random.nextInt(100_000) + "." + fourDigits(random.nextInt(10_000)) + "/"
          + CURRENCIES[random.nextInt(CURRENCIES.length)] + "\",\"method\":\"card\"}";
    } else if (kind < 9) {
      service = "shop";
      type = "order-placed";
      aggregate = "order/" + random.nextInt(1_000_000);
      payload = "{\"items\":" + (1 + random.nextInt(9)) + ",\"customer\":\"customer/" + random.nextInt(100_000) + "\"}";
    } else {
      service = "shipping";
      type = "parcel-sent";
      aggregate = "parcel/" + random.nextInt(1_000_000);
      payload = "{\"carrier\":\"dhl\",\"weight_g\":" + random.nextInt(20_000) + "}";
    }
    String correlation = random.nextBoolean() ? "checkout/" + random.nextInt(1_000_000) : null;
    long createdAt = startMicros - random.nextLong(TEN_DAYS_MICROS);
    return new BenchEvent(id(n), service, type, createdAt, aggregate, correlation, payload);
  }

  /**
   * The next event as history received at {@code receivedAtMicros}: created in the ten days before
   * that, as fresh events are created in the ten days before now. (History created all at once,
   * long ago, would flatter the store's aggregate index, which is keyed by the week of creation.)
   */
  BenchEvent receivedAt(long receivedAtMicros) {
    BenchEvent event = next();
    return new BenchEvent(event.id(), event.service(), event.type(),
        receivedAtMicros - (startMicros - event.createdAtMicros()), event.aggregateId(), event.correlationId(),
        event.payloadJson());
  }

  List<BenchEvent> next(int count) {
    List<BenchEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(next());
    }
    return events;
  }

  private static String fourDigits(int n) {
    String digits = Integer.toString(n);
    return "0000".substring(digits.length()) + digits;
  }

  /** UUIDv7 layout: 48 bits of milliseconds, version 7, a counter in rand_a, random rand_b. */
  private String id(long n) {
    long millis = idMillis + n / 4096;
    long msb = (millis << 16) | 0x7000L | (n % 4096);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }
}
