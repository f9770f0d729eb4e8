package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InFlightWatermarkTest {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void stamps_never_go_backwards_when_the_store_clock_does_and_are_truncated_to_microseconds() {
    AtomicReference<Instant> storeClock = new AtomicReference<>(T0.plusNanos(1_234_567));
    ReceivedAtClock clock = new ReceivedAtClock(storeClock::get, () -> 0L, step -> { }); // no time passes

    Instant first = clock.now();
    storeClock.set(T0.minusSeconds(10));
    Instant second = clock.now();

    assertThat(first).isEqualTo(T0.plusNanos(1_234_000));
    assertThat(second).isEqualTo(first);
  }

  @Test
  void the_watermark_once_an_append_ended_leaves_out_that_append_and_only_it() {
    AtomicReference<Instant> storeClock = new AtomicReference<>(T0);
    InFlightWatermark watermark = new InFlightWatermark(new ReceivedAtClock(storeClock::get));
    InFlightWatermark.Ticket a = watermark.begin();
    InFlightWatermark.Ticket sameStamp = watermark.begin(); // no time passed: the same microsecond
    storeClock.set(T0.plusSeconds(1));
    InFlightWatermark.Ticket b = watermark.begin();
    storeClock.set(T0.plusSeconds(2));

    assertThat(a.watermarkOnceEnded()).as("another append holds the same stamp").isEqualTo(T0);
    sameStamp.end();
    assertThat(a.watermarkOnceEnded()).as("the next append in flight").isEqualTo(T0.plusSeconds(1));
    assertThat(b.watermarkOnceEnded()).as("a is still in flight").isEqualTo(T0);
    a.end();
    assertThat(b.watermarkOnceEnded()).as("nothing else in flight: the clock").isEqualTo(T0.plusSeconds(2));
    assertThat(watermark.watermark()).as("b itself still counts for everyone else").isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void the_watermark_is_the_smallest_stamp_in_flight_and_the_clock_when_idle() {
    AtomicReference<Instant> storeClock = new AtomicReference<>(T0);
    InFlightWatermark watermark = new InFlightWatermark(new ReceivedAtClock(storeClock::get));

    InFlightWatermark.Ticket a = watermark.begin();
    storeClock.set(T0.plusSeconds(1));
    InFlightWatermark.Ticket b = watermark.begin();
    storeClock.set(T0.plusSeconds(2));

    assertThat(watermark.watermark()).isEqualTo(T0);
    a.end();
    assertThat(watermark.watermark()).isEqualTo(T0.plusSeconds(1));
    b.end();
    b.end();
    assertThat(watermark.watermark()).isEqualTo(T0.plusSeconds(2));
    assertThat(watermark.inFlight()).isZero();
  }

  @Test
  void under_concurrent_appends_no_stamp_appears_below_a_watermark_already_handed_out() throws Exception {
    // A store clock that moves forward and sometimes steps back, as a real one may
    AtomicLong micros = new AtomicLong();
    ReceivedAtClock clock = new ReceivedAtClock(() -> {
      long m = micros.incrementAndGet();
      return T0.plusNanos((m % 7 == 0 ? m - 50 : m) * 1000);
    });
    InFlightWatermark watermark = new InFlightWatermark(clock);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    // Every committed stamp, and the highest watermark seen before it was taken
    ConcurrentLinkedQueue<Instant[]> committed = new ConcurrentLinkedQueue<>();
    AtomicReference<Instant> highestWatermark = new AtomicReference<>(Instant.MIN);
    java.util.Map<InFlightWatermark.Ticket, Instant> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    CountDownLatch started = new CountDownLatch(6);

    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      threads.add(new Thread(() -> {
        started.countDown();
        while (!stop.get()) {
          Instant seenBefore = highestWatermark.get();
          InFlightWatermark.Ticket t = watermark.begin();
          if (t.stamp().isBefore(seenBefore)) {
            violations.add("stamp " + t.stamp() + " below watermark " + seenBefore);
          }
          inFlight.put(t, t.stamp());
          committed.add(new Instant[] {t.stamp()});
          inFlight.remove(t);
          t.end();
        }
      }));
    }
    for (int i = 0; i < 2; i++) {
      threads.add(new Thread(() -> {
        started.countDown();
        while (!stop.get()) {
          // Every later stamp must be at or above this reading (checked by the writers)...
          Instant w = watermark.watermark();
          highestWatermark.accumulateAndGet(w, (x, y) -> x.isAfter(y) ? x : y);
          // ...and nothing below it may still be in flight
          inFlight.values().stream().filter(s -> s.isBefore(w))
              .forEach(s -> violations.add("in flight at " + s + " below watermark " + w));
        }
      }));
    }
    threads.forEach(Thread::start);
    started.await();
    while (committed.size() < 200_000) {
      Thread.onSpinWait();
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }

    assertThat(violations).isEmpty();
    assertThat(watermark.inFlight()).isZero();
    Instant last = watermark.watermark();
    assertThat(committed).allSatisfy(s -> assertThat(s[0]).isBeforeOrEqualTo(last));
  }
}
