package io.annals.hub.client;

import io.annals.hub.client.internal.delivery.DeadLetterFile;
import io.annals.hub.client.internal.delivery.DeliveryMetrics;
import io.annals.hub.client.internal.delivery.MicrometerDeliveryMetrics;
import io.annals.hub.client.internal.delivery.Sleeper;
import io.annals.hub.client.internal.spool.DamageSink;
import io.annals.hub.client.internal.spool.Spool;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * Configures an {@link AnnalsClient}. {@link #build()} checks every value, naming the bad one,
 * opens (and recovers) the spool and starts the sender.
 */
public final class AnnalsClientBuilder {

  URI hubUri;
  String apiKey;
  String service;
  Path spoolDirectory;
  long maxSpoolBytes = 256L * 1024 * 1024;
  long maxSpoolEvents = 1_000_000;
  int batchEvents = 500;
  long batchBytes = 1024 * 1024;
  Duration maxAge = Duration.ofDays(365);
  Duration backoffBase = Duration.ofMillis(200);
  Duration backoffMax = Duration.ofSeconds(60);
  Duration requestTimeout = Duration.ofSeconds(30);
  Duration sendTimeout = Duration.ofSeconds(30);
  DeliveryListener listener = DeliveryListener.NONE;
  Clock clock = Clock.systemUTC();
  LongUnaryOperator backoffRandom; // tests only: null means a real random source
  Sleeper sleeper = Sleeper.system(); // tests only: to observe the waits between attempts
  LongSupplier nanoTime = System::nanoTime; // tests only: the monotonic clock that times send()
  private Object meterRegistry; // Object: Micrometer is optional, so its types stay out of fields

  AnnalsClientBuilder() {}

  /**
   * The hub's base URL, e.g. {@code http://hub:8080}. Required.
   *
   * @param hubUrl an absolute http or https URL
   * @return this builder
   */
  public AnnalsClientBuilder hubUrl(String hubUrl) {
    Objects.requireNonNull(hubUrl, "Hub URL required.");
    URI uri = URI.create(hubUrl.endsWith("/") ? hubUrl.substring(0, hubUrl.length() - 1) : hubUrl);
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("hub URL must be absolute http(s), like http://hub:8080, was: " + hubUrl);
    }
    this.hubUri = uri;
    return this;
  }

  /**
   * The API key sent as {@code Authorization: Bearer <key>}; null (the default) sends none.
   *
   * @param apiKey the key, or null for none
   * @return this builder
   */
  public AnnalsClientBuilder apiKey(String apiKey) {
    this.apiKey = apiKey;
    return this;
  }

  /**
   * The producer's name, written to {@code meta.service} of events that do not set one. Required.
   *
   * @param service the service name
   * @return this builder
   */
  public AnnalsClientBuilder service(String service) {
    this.service = service;
    return this;
  }

  /**
   * Where the spool, its acknowledgement file and the dead-letter file live (held-back events in
   * its {@code held-back} subdirectory). Required.
   *
   * @param spoolDirectory a directory, created if missing
   * @return this builder
   */
  public AnnalsClientBuilder spoolDirectory(Path spoolDirectory) {
    this.spoolDirectory = spoolDirectory;
    return this;
  }

  /**
   * Bytes of undelivered events the spool holds before {@code publish} fails (default 256 MiB).
   *
   * @param maxSpoolBytes the bound in bytes
   * @return this builder
   */
  public AnnalsClientBuilder maxSpoolBytes(long maxSpoolBytes) {
    this.maxSpoolBytes = maxSpoolBytes;
    return this;
  }

  /**
   * Undelivered events the spool holds before {@code publish} fails (default 1,000,000).
   *
   * @param maxSpoolEvents the bound in events
   * @return this builder
   */
  public AnnalsClientBuilder maxSpoolEvents(long maxSpoolEvents) {
    this.maxSpoolEvents = maxSpoolEvents;
    return this;
  }

  /**
   * The most events (default 500) and bytes (default 1 MiB) in one request to the hub.
   *
   * @param events the most events in one request
   * @param bytes the most bytes in one request
   * @return this builder
   */
  public AnnalsClientBuilder batchSize(int events, long bytes) {
    this.batchEvents = events;
    this.batchBytes = bytes;
    return this;
  }

  /**
   * How long after publish an event is still retried before it is dead-lettered as expired (default 365 days).
   *
   * @param maxAge the longest an event is retried
   * @return this builder
   */
  public AnnalsClientBuilder maxAge(Duration maxAge) {
    this.maxAge = maxAge;
    return this;
  }

  /**
   * The backoff between failed attempts: full jitter up to {@code base * 2^(n-1)}, capped at {@code max} (default 200 ms, 60 s).
   *
   * @param base the first backoff bound
   * @param max the largest backoff
   * @return this builder
   */
  public AnnalsClientBuilder backoff(Duration base, Duration max) {
    this.backoffBase = base;
    this.backoffMax = max;
    return this;
  }

  /**
   * How long one request to the hub may take (default 30 s).
   *
   * @param requestTimeout the limit for one request
   * @return this builder
   */
  public AnnalsClientBuilder requestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    return this;
  }

  /**
   * How long {@link AnnalsClient#send} keeps retrying (default 30 s).
   *
   * @param sendTimeout the limit for all attempts of one send
   * @return this builder
   */
  public AnnalsClientBuilder sendTimeout(Duration sendTimeout) {
    this.sendTimeout = sendTimeout;
    return this;
  }

  /**
   * Told about dead letters (and deliveries), on the sender thread.
   *
   * @param listener the listener
   * @return this builder
   */
  public AnnalsClientBuilder listener(DeliveryListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Registers the SDK's metrics ({@code annals.sdk.*}, docs/metrics.md) on {@code registry}; none by default.
   *
   * @param registry the registry to register the metrics on
   * @return this builder
   */
  public AnnalsClientBuilder meterRegistry(MeterRegistry registry) {
    this.meterRegistry = registry;
    return this;
  }

  /**
   * The clock for ids, {@code created_at}, event ages and metrics (default the system clock, UTC).
   *
   * @param clock the clock
   * @return this builder
   */
  public AnnalsClientBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Opens the spool (recovering what a crash left) and starts delivering.
   *
   * @return a client delivering from its spool
   * @throws IllegalArgumentException naming the first missing or out-of-range setting
   * @throws IllegalStateException when another client holds the spool directory
   * @throws UncheckedIOException when the spool cannot be opened
   */
  public AnnalsClient build() {
    require(hubUri != null, "Hub URL required.");
    require(service != null && !service.isBlank(), "Service name required.");
    require(spoolDirectory != null, "Spool directory required.");
    require(maxSpoolBytes >= 64 * 1024, "maxSpoolBytes must be at least 65536, was: " + maxSpoolBytes);
    require(maxSpoolEvents >= 1, "maxSpoolEvents must be at least 1, was: " + maxSpoolEvents);
    require(batchEvents >= 1, "batch events must be at least 1, was: " + batchEvents);
    require(batchBytes >= 1, "batch bytes must be at least 1, was: " + batchBytes);
    require(positive(maxAge), "maxAge must be positive, was: " + maxAge);
    require(positive(backoffBase) && backoffMax != null && backoffMax.compareTo(backoffBase) >= 0,
        "backoff base must be positive and at most the max, were: " + backoffBase + ", " + backoffMax);
    require(positive(requestTimeout), "requestTimeout must be positive, was: " + requestTimeout);
    require(positive(sendTimeout), "sendTimeout must be positive, was: " + sendTimeout);
    // Segments small enough that delivered ones are deleted soon, big enough to be few.
    long segmentBytes = Math.min(16L * 1024 * 1024, Math.max(64 * 1024, maxSpoolBytes / 8));
    Spools spools = openSpools(segmentBytes);
    DeliveryMetrics metrics = meterRegistry == null ? DeliveryMetrics.NONE
        : MicrometerDeliveryMetrics.bind((MeterRegistry) meterRegistry, service, spools.main(), spools.heldBack());
    return new AnnalsClient(this, spools, metrics);
  }

  /**
   * The spools a client owns: the main one, the held-back one (events the hub fails on alone, in
   * its {@value #HELD_BACK} subdirectory), the dead-letter file, and the dead letters that recovery
   * wrote for damaged spool bytes while opening them (to be told to the listener and the metrics).
   */
  record Spools(Spool main, Spool heldBack, DeadLetterFile deadLetters, List<DeadLetter> damaged) {}

  static final String HELD_BACK = "held-back";

  private Spools openSpools(long segmentBytes) {
    DeadLetterFile deadLetters = new DeadLetterFile(spoolDirectory);
    List<DeadLetter> damaged = new ArrayList<>();
    // Damaged bytes become dead letters, durable before recovery removes them from the spool.
    DamageSink sink = damage -> {
      List<DeadLetter> letters = DeadLetterFile.damaged(damage, clock.instant());
      deadLetters.append(letters);
      damaged.addAll(letters);
    };
    Spool main = null;
    try {
      main = Spool.open(spoolDirectory, maxSpoolBytes, maxSpoolEvents, segmentBytes, clock, sink);
      Spool heldBack = Spool.open(spoolDirectory.resolve(HELD_BACK), maxSpoolBytes, maxSpoolEvents, segmentBytes,
          clock, sink);
      return new Spools(main, heldBack, deadLetters, List.copyOf(damaged));
    } catch (IOException e) {
      closeQuietly(main, e);
      throw new UncheckedIOException("cannot open the spool " + spoolDirectory + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(main, e);
      throw e;
    }
  }

  private static void closeQuietly(Spool spool, Exception failure) {
    if (spool != null) {
      try {
        spool.close();
      } catch (IOException suppressed) {
        failure.addSuppressed(suppressed);
      }
    }
  }

  /** Tests only: waits between attempts with {@code sleeper} instead of {@link Thread#sleep}. */
  AnnalsClientBuilder sleeper(Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    return this;
  }

  /**
   * Tests only: times {@link AnnalsClient#send}'s timeout on {@code nanoTime} instead of
   * {@link System#nanoTime}, so that a test moves it along with its sleeper.
   */
  AnnalsClientBuilder nanoTime(LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    return this;
  }

  /** Tests only: draws the backoff's jitter from {@code random} (bound to a long in {@code [0, bound)}). */
  AnnalsClientBuilder backoffRandom(LongUnaryOperator random) {
    this.backoffRandom = random;
    return this;
  }

  private static boolean positive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
