package io.annals.hub.server.feed;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.feed.FeedWaiters.Kind;
import io.annals.hub.server.feed.FeedWaiters.Refusal;
import io.annals.hub.server.store.Position;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry of waiting consumers on its own, over a real feed on SQLite: its bounds, which
 * waiter each check answers and how (deliver, expire, heartbeat, shutdown), and its stop. The
 * registry's monotonic clock is moved by hand; the store's clock is real. Waits on the registry's
 * threads have a deadline only to turn a hang into a failure; no timing is asserted.
 */
class FeedWaitersTest {

  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  static final Duration FAR = Duration.ofHours(1);

  @RegisterExtension final FeedFixture fx = FeedFixture.onRealClocks();
  FeedService feed;
  SimpleMeterRegistry registry;
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final List<FeedWaiters> opened = new ArrayList<>();
  final List<Recorder> recorders = new ArrayList<>();
  int nextEvent = 1;

  @BeforeEach
  void open() {
    fx.publisher.publishOnce();
    feed = fx.feed(nanos::get);
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void close() throws InterruptedException {
    // Every waiter leaves first, so that each close returns at once rather than after its timeout
    recorders.forEach(Recorder::release);
    for (FeedWaiters w : opened) {
      assertThat(closeWithin(w, 20)).as("the registry closes").isTrue();
    }
  }

  FeedWaiters waiters(int total, int perCaller) {
    FeedWaiters w = new FeedWaiters(feed, new LiveFeedSettings(null, total, perCaller, KEEP_ALIVE, Duration.ofMillis(10), 2),
        registry, nanos::get);
    opened.add(w);
    return w;
  }

  /** Where a consumer that read everything there is now waits: the next of an empty page from the start. */
  Position upToDate() {
    return feed.read(Set.of(), null, 10).next();
  }

  Recorder waiter(String caller, Kind kind, Set<String> types, Position cursor, Duration wait) {
    Recorder recorder = new Recorder(caller, kind, types, cursor, nanos.get() + wait.toNanos(), nanos);
    recorders.add(recorder);
    return recorder;
  }

  /** Closes {@code waiters} on another thread; whether it returned within {@code seconds}. */
  static boolean closeWithin(FeedWaiters waiters, int seconds) throws InterruptedException {
    Thread closing = new Thread(() -> waiters.close(20_000), "test-close");
    closing.setDaemon(true);
    closing.start();
    closing.join(TimeUnit.SECONDS.toMillis(seconds));
    return !closing.isAlive();
  }

  /** An event of {@code type} appended as the hub appends (stamped, ended) and below the stable point once published. */
  StoredEvent land(String type) {
    InFlightWatermark.Ticket ticket = fx.watermark.begin();
    StoredEvent event = anEvent(nextEvent++).type(type).receivedAt(ticket.stamp()).build();
    fx.store.append(List.of(event));
    ticket.end();
    eventually(() -> fx.clock.now().isAfter(ticket.stamp()), "the clock moves past the event's stamp");
    fx.publisher.publishOnce();
    return event;
  }

  double gauge(String kind) {
    return registry.get("annals.hub.feed.waiters").tag("kind", kind).gauge().value();
  }

  static void eventually(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("within 20 s: " + what).isNegative();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void waiters_beyond_the_total_or_their_callers_bound_are_refused_and_counted_nowhere() {
    FeedWaiters waiters = waiters(3, 2);
    Position at = upToDate();
    Recorder a1 = waiter("a", Kind.LONG_POLL, Set.of(), at, FAR);
    Recorder a2 = waiter("a", Kind.STREAM, Set.of(), at, FAR);

    assertThat(waiters.register(a1)).isNull();
    assertThat(waiters.register(a2)).isNull();
    assertThat(waiters.register(waiter("a", Kind.LONG_POLL, Set.of(), at, FAR))).isEqualTo(Refusal.PER_CALLER);
    assertThat(waiters.register(waiter("b", Kind.LONG_POLL, Set.of(), at, FAR))).isNull();
    assertThat(waiters.register(waiter("c", Kind.LONG_POLL, Set.of(), at, FAR))).isEqualTo(Refusal.TOTAL);

    assertThat(waiters.size()).isEqualTo(3);
    assertThat(waiters.size(Kind.LONG_POLL)).isEqualTo(2);
    assertThat(waiters.size(Kind.STREAM)).isEqualTo(1);
    assertThat(gauge("long_poll")).isEqualTo(2.0);
    assertThat(gauge("stream")).isEqualTo(1.0);
  }

  @Test
  void a_waiter_that_leaves_frees_its_place_in_the_total_its_kind_and_its_callers_bound_once() {
    FeedWaiters waiters = waiters(3, 2);
    Position at = upToDate();
    Recorder a1 = waiter("a", Kind.STREAM, Set.of(), at, FAR);
    waiters.register(a1);
    waiters.register(waiter("a", Kind.LONG_POLL, Set.of(), at, FAR));
    assertThat(waiters.register(waiter("a", Kind.LONG_POLL, Set.of(), at, FAR))).isEqualTo(Refusal.PER_CALLER);
    assertThat(a1.waiting()).isTrue();

    a1.release();
    a1.release();

    assertThat(a1.waiting()).isFalse();
    assertThat(waiters.size()).isEqualTo(1);
    assertThat(waiters.size(Kind.STREAM)).isZero();
    assertThat(waiters.size(Kind.LONG_POLL)).isEqualTo(1);
    // a's count is one now, not zero and not two: one more of a's fits, and then no other
    assertThat(waiters.register(waiter("a", Kind.LONG_POLL, Set.of(), at, FAR))).isNull();
    assertThat(waiters.register(waiter("a", Kind.LONG_POLL, Set.of(), at, FAR))).isEqualTo(Refusal.PER_CALLER);
    // and the total counts the refusal nowhere: b's one fits the third place
    assertThat(waiters.register(waiter("b", Kind.LONG_POLL, Set.of(), at, FAR))).isNull();
    assertThat(waiters.size()).isEqualTo(3);
  }

  @Test
  void a_waiter_is_not_answered_before_it_is_ready() {
    FeedWaiters waiters = waiters(10, 10);
    Recorder held = waiter("a", Kind.LONG_POLL, Set.of(), upToDate(), Duration.ZERO);
    Recorder ready = waiter("a", Kind.LONG_POLL, Set.of(), upToDate(), Duration.ZERO);
    waiters.register(held);
    waiters.register(ready);
    ready.ready();
    nanos.addAndGet(1);

    assertThat(ready.next()).isEqualTo("expire");
    assertThat(held.calls).isEmpty();

    held.ready();
    assertThat(held.next()).isEqualTo("expire");
  }

  @Test
  void an_event_of_its_types_after_its_cursor_is_delivered_and_a_waiter_of_other_types_moves_up_to_the_stable_point() {
    FeedWaiters waiters = waiters(10, 10);
    Position at = upToDate();
    Recorder mine = waiter("a", Kind.LONG_POLL, Set.of("payment-completed"), at, FAR);
    Recorder other = waiter("b", Kind.LONG_POLL, Set.of("refund-issued"), at, FAR);
    waiters.register(mine);
    waiters.register(other);
    mine.ready();
    other.ready();

    StoredEvent event = land("payment-completed");
    waiters.signal();

    assertThat(mine.next()).isEqualTo("deliver");
    eventually(() -> other.cursor().receivedAt().isAfter(event.receivedAt()), "the other waiter's cursor passes the event");
    assertThat(other.cursor().id()).isEmpty();
    assertThat(other.calls).isEmpty();
    assertThat(other.waiting()).isTrue();
  }

  @Test
  void a_waiter_for_every_type_is_delivered_any_event_after_its_cursor_and_none_before_it() {
    FeedWaiters waiters = waiters(10, 10);
    Recorder behind = waiter("a", Kind.LONG_POLL, Set.of(), upToDate(), FAR);
    StoredEvent event = land("refund-issued");
    Recorder past = waiter("b", Kind.LONG_POLL, Set.of(), new Position(event.receivedAt(), event.id()), FAR);
    waiters.register(behind);
    waiters.register(past);
    behind.ready();
    past.ready();

    assertThat(behind.next()).isEqualTo("deliver");
    // the probe read from behind's cursor saw the event; past stood on it and is only moved on
    eventually(() -> past.cursor().receivedAt().isAfter(event.receivedAt()), "past's cursor moves on");
    assertThat(past.calls).isEmpty();
  }

  @Test
  void a_waiter_behind_more_events_than_a_check_looks_at_is_let_read_and_one_beyond_the_stable_point_is_not() {
    FeedWaiters waiters = waiters(10, 10);
    Position start = upToDate();
    List<StoredEvent> many = new ArrayList<>();
    InFlightWatermark.Ticket ticket = fx.watermark.begin();
    for (int n = 0; n < 600; n++) {
      many.add(anEvent(nextEvent++).type("payment-completed").receivedAt(ticket.stamp()).build());
    }
    fx.store.append(many);
    ticket.end();
    eventually(() -> fx.clock.now().isAfter(ticket.stamp()), "the clock moves past the events' stamp");
    fx.publisher.publishOnce();
    // Of another type: only the probe's overflow says it may have something
    Recorder behind = waiter("a", Kind.LONG_POLL, Set.of("refund-issued"), start, FAR);
    Position ahead = new Position(fx.clock.now().plusSeconds(3600), "");
    Recorder beyond = waiter("b", Kind.LONG_POLL, Set.of(), ahead, FAR);
    waiters.register(behind);
    waiters.register(beyond);
    behind.ready();
    beyond.ready();

    assertThat(behind.next()).isEqualTo("deliver");
    afterAnotherCheck(waiters);
    assertThat(beyond.calls).isEmpty();
    assertThat(beyond.cursor()).isSameAs(ahead);
  }

  @Test
  void a_long_poll_is_expired_once_the_registry_clock_reaches_its_deadline_and_not_before() {
    FeedWaiters waiters = waiters(10, 10);
    Position at = upToDate();
    Recorder soon = waiter("a", Kind.LONG_POLL, Set.of(), at, Duration.ofSeconds(1));
    Recorder later = waiter("a", Kind.LONG_POLL, Set.of(), at, Duration.ofSeconds(1).plusNanos(1));
    waiters.register(soon);
    waiters.register(later);
    soon.ready();
    later.ready();

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());

    assertThat(soon.next()).isEqualTo("expire");
    afterAnotherCheck(waiters);
    assertThat(later.calls).isEmpty();
    nanos.addAndGet(1);
    assertThat(later.next()).isEqualTo("expire");
  }

  @Test
  void a_stream_quiet_for_the_keep_alive_gets_a_heartbeat_and_then_none_until_it_is_quiet_that_long_again() {
    FeedWaiters waiters = waiters(10, 10);
    Position at = upToDate();
    Recorder stream = waiter("a", Kind.STREAM, Set.of(), at, FAR);
    Recorder poll = waiter("a", Kind.LONG_POLL, Set.of(), at, FAR);
    waiters.register(stream);
    waiters.register(poll);
    stream.ready();
    poll.ready();

    nanos.addAndGet(KEEP_ALIVE.toNanos() - 1);
    afterAnotherCheck(waiters);
    assertThat(stream.calls).isEmpty();
    nanos.addAndGet(1);
    assertThat(stream.next()).isEqualTo("heartbeat");
    nanos.addAndGet(KEEP_ALIVE.toNanos() - 1);
    afterAnotherCheck(waiters);

    assertThat(stream.calls).isEmpty();
    assertThat(poll.calls).isEmpty();
    assertThat(stream.waiting()).isTrue();
  }

  @Test
  void a_waiter_whose_answer_fails_leaves_the_registry() {
    FeedWaiters waiters = waiters(10, 10);
    Recorder failing = waiter("a", Kind.LONG_POLL, Set.of(), upToDate(), Duration.ZERO);
    failing.failWith = new IllegalStateException("the client's connection broke");
    waiters.register(failing);
    failing.ready();
    nanos.addAndGet(1);

    assertThat(failing.next()).isEqualTo("expire");
    eventually(() -> !failing.waiting(), "the failed waiter leaves");
    assertThat(waiters.size()).isZero();
  }

  @Test
  void closing_answers_every_waiter_including_one_that_becomes_ready_meanwhile_and_refuses_new_ones() throws Exception {
    FeedWaiters waiters = waiters(10, 10);
    Position at = upToDate();
    Recorder a = waiter("a", Kind.LONG_POLL, Set.of(), at, FAR);
    Recorder b = waiter("b", Kind.STREAM, Set.of(), at, FAR);
    Recorder late = waiter("c", Kind.LONG_POLL, Set.of(), at, FAR);
    waiters.register(a);
    waiters.register(b);
    waiters.register(late);
    a.ready();
    b.ready();

    Thread closing = new Thread(() -> waiters.close(20_000), "test-close");
    closing.setDaemon(true);
    closing.start();
    assertThat(a.next()).isEqualTo("shutdown");
    assertThat(b.next()).isEqualTo("shutdown");
    late.ready();
    assertThat(late.next()).isEqualTo("shutdown");
    closing.join(TimeUnit.SECONDS.toMillis(20));

    assertThat(closing.isAlive()).as("close returned").isFalse();
    assertThat(waiters.size()).isZero();
    assertThat(waiters.register(waiter("d", Kind.LONG_POLL, Set.of(), at, FAR))).isEqualTo(Refusal.CLOSED);
  }

  @Test
  void close_returns_once_every_waiter_has_left() throws InterruptedException {
    FeedWaiters waiters = waiters(10, 10);
    Recorder slow = waiter("a", Kind.LONG_POLL, Set.of(), upToDate(), FAR);
    slow.leaveAfterMillis = 300;
    waiters.register(slow);
    slow.ready();

    assertThat(closeWithin(waiters, 20)).as("close returned").isTrue();

    assertThat(slow.calls).containsExactly("shutdown");
    assertThat(waiters.size()).isZero();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void close_gives_up_on_a_waiter_it_cannot_answer_after_its_timeout_though_the_registry_clock_stands_still() {
    FeedWaiters waiters = waiters(10, 10);
    // Never ready: its response is still being set up, so the stop may not answer it
    Recorder unanswerable = waiter("a", Kind.LONG_POLL, Set.of(), upToDate(), FAR);
    waiters.register(unanswerable);

    waiters.close(200);

    assertThat(unanswerable.calls).isEmpty();
    assertThat(unanswerable.waiting()).as("left waiting: the stop gave up on it").isTrue();
    assertThat(waiters.register(waiter("b", Kind.LONG_POLL, Set.of(), upToDate(), FAR))).isEqualTo(Refusal.CLOSED);
  }

  @Test
  void a_cursor_moves_only_forward_and_deadlines_are_on_the_registry_clock() {
    FeedWaiters waiters = waiters(10, 10);
    Position at = upToDate();
    Recorder w = waiter("a", Kind.LONG_POLL, Set.of("x"), at, FAR);

    w.advance(null);
    w.advance(new Position(at.receivedAt().minusSeconds(1), "z"));
    assertThat(w.cursor()).isEqualTo(at);
    w.advance(new Position(at.receivedAt(), at.id()));
    assertThat(w.cursor()).isSameAs(at);
    Position later = new Position(at.receivedAt(), "a");
    w.advance(later);
    assertThat(w.cursor()).isEqualTo(later);
    assertThat(w.types()).containsExactly("x");

    nanos.set(5);
    assertThat(waiters.nanoTime()).isEqualTo(5);
    assertThat(waiters.deadline(Duration.ofSeconds(2))).isEqualTo(2_000_000_005L);
  }

  /**
   * Returns once a check that began after this call has expired a long poll registered for it
   * (waiting beyond the stable point, so that it has nothing to be delivered).
   */
  void afterAnotherCheck(FeedWaiters waiters) {
    Recorder sentinel = waiter("sentinel", Kind.LONG_POLL, Set.of(), new Position(fx.clock.now().plusSeconds(3600), ""),
        Duration.ZERO);
    assertThat(waiters.register(sentinel)).isNull();
    sentinel.ready();
    assertThat(sentinel.next()).isEqualTo("expire");
  }

  /** A waiter that records what it is asked, answers at once and leaves (as a long poll does), except after a heartbeat. */
  static final class Recorder extends FeedWaiters.Waiter {
    final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    private final AtomicLong nanos;
    volatile RuntimeException failWith;
    volatile long leaveAfterMillis;

    Recorder(String caller, Kind kind, Set<String> types, Position cursor, long deadlineNanos, AtomicLong nanos) {
      super(caller, kind, types, cursor, deadlineNanos, nanos.get());
      this.nanos = nanos;
    }

    /** The next thing it was asked, waiting for it. */
    String next() {
      try {
        String call = calls.poll(20, TimeUnit.SECONDS);
        assertThat(call).as("an answer within 20 s").isNotNull();
        return call;
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    private void answer(String call) {
      calls.add(call);
      if (failWith != null) {
        throw failWith;
      }
      if (leaveAfterMillis > 0) {
        try {
          Thread.sleep(leaveAfterMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      release();
    }

    @Override
    protected void deliver() {
      answer("deliver");
    }

    @Override
    protected void expire() {
      answer("expire");
    }

    @Override
    protected void heartbeat() {
      wrote(nanos.get());
      calls.add("heartbeat");
    }

    @Override
    protected void shutdown() {
      answer("shutdown");
    }
  }
}
