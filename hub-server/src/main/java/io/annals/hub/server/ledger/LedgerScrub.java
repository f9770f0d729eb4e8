package io.annals.hub.server.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background scrub: re-hashes stored events against the ledger a few leaves per tick (rate
 * limit = leaves per tick times ticks per second), pass after pass, so that a byte changed in the
 * store is found without anyone asking. A difference is logged once, kept (for {@link
 * #lastDifference}) and shown by the gauge {@code annals_ledger_scrub_mismatch} until a later
 * full pass finds none. A pass resumes where the last tick stopped, after a restart too (its mark is
 * saved in the ledger's store every tick).
 * Only one thread calls {@link #tick}.
 */
public final class LedgerScrub {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerScrub.class);

  /**
   * A pass that ended: when, how many leaves it checked, and how many differed (0 or 1: a pass
   * stops at the first difference, which {@link #lastDifference} then holds).
   */
  public record PassResult(java.time.Instant finishedAt, long leavesChecked, int mismatches) {}

  /** What the scrub is doing: the pass under way (leaves checked of its size) and the last one that ended. */
  public record Status(long checking, long of, Optional<PassResult> lastPass, Optional<LedgerAudit.Difference> difference) {}

  private final LedgerAudit audit;
  private final int leavesPerTick;
  private final java.time.Clock clock;
  private final AtomicReference<PassResult> lastPass = new AtomicReference<>();
  private volatile long checking; // leaves checked by the pass under way
  private volatile long of; // that pass's size
  private final Counter checked;
  private final AtomicInteger mismatch = new AtomicInteger();
  private final AtomicReference<LedgerAudit.Difference> lastDifference = new AtomicReference<>();
  private LedgerAudit.Pass pass; // only the ticking thread

  public LedgerScrub(LedgerAudit audit, int leavesPerTick, MeterRegistry registry, java.time.Clock clock) {
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (leavesPerTick < 1) {
      throw new IllegalArgumentException("leavesPerTick must be >= 1, was " + leavesPerTick);
    }
    this.leavesPerTick = leavesPerTick;
    this.checked = Counter.builder("annals.ledger.scrub.checked.leaves")
        .description("Leaves the scrub has re-hashed against the stored events").register(registry);
    Gauge.builder("annals.ledger.scrub.mismatch", mismatch, AtomicInteger::get)
        .description("1 when the scrub found a stored event that differs from its ledger leaf, until a full pass finds none")
        .register(registry);
  }

  /** Checks up to the configured number of leaves, starting a new pass when the last one ended. */
  public void tick() {
    if (pass == null) {
      // After a restart: resume the pass the last process was in (a pass over millions of leaves takes hours).
      pass = audit.resumeSaved();
      of = pass.size();
    } else if (pass.done()) {
      pass = audit.start();
      of = pass.size();
    }
    long before = pass.checked();
    Optional<LedgerAudit.Difference> found = pass.step(leavesPerTick);
    checked.increment(pass.checked() - before);
    checking = pass.checked();
    if (pass.done()) {
      lastPass.set(new PassResult(clock.instant(), pass.checked(), found.isPresent() ? 1 : 0));
    }
    if (found.isPresent()) {
      LedgerAudit.Difference d = found.get();
      if (!d.equals(lastDifference.getAndSet(d))) {
        LOG.error("ledger scrub: a stored event differs from the ledger: {}", d);
      }
      mismatch.set(1);
    } else if (pass.done()) {
      if (lastDifference.getAndSet(null) != null) {
        LOG.info("ledger scrub: a full pass over {} leaves found no difference", pass.size());
      }
      mismatch.set(0);
    }
    audit.save(pass); // last: a store that cannot take it does not hide what this tick found
  }

  /** For {@code /health/ready}: the pass under way, the last pass that ended, the difference shown. */
  public Status status() {
    return new Status(checking, of, Optional.ofNullable(lastPass.get()), lastDifference());
  }

  /** The last difference found, while no later full pass has come out clean. */
  public Optional<LedgerAudit.Difference> lastDifference() {
    return Optional.ofNullable(lastDifference.get());
  }
}
