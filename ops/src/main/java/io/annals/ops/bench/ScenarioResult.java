package io.annals.ops.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one scenario measured: the hub's {@code figure} beside the {@code baseline} measured on the
 * store alone in the same run, their {@code ratio}, and the {@code target} the issue sets, read as
 * {@link Goal} says. {@code details} holds further figures (percentiles, counts, sizes) in the
 * order they were added; {@code note} says what limits a miss, or why the scenario failed.
 */
record ScenarioResult(
    String name,
    double figure,
    String unit,
    Double baseline,
    Double ratio,
    Double target,
    Goal goal,
    Map<String, Object> details,
    String note) {

  /** How {@link ScenarioResult#target} is read. */
  enum Goal {
    /** The ratio must be at least the target. */
    RATIO_AT_LEAST("ratio >="),
    /** The figure itself must be at most the target (a latency). */
    FIGURE_AT_MOST("figure <="),
    /** Reported for information; no target. */
    NONE("none");

    private final String text;

    Goal(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }
  }

  ScenarioResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(goal, "goal");
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    if (goal != Goal.NONE && target == null) {
      throw new IllegalArgumentException(name + ": a goal of " + goal + " needs a target");
    }
  }

  /** A figure compared with a baseline by ratio: {@code figure / baseline >= target}. */
  static ScenarioResult ratio(String name, double figure, double baseline, String unit, double target,
      Map<String, Object> details) {
    return new ScenarioResult(name, figure, unit, baseline, baseline > 0 ? figure / baseline : null, target,
        Goal.RATIO_AT_LEAST, details, null);
  }

  /** A scenario that could not be measured: {@code why} says what went wrong. */
  static ScenarioResult failed(String name, String why) {
    return new ScenarioResult(name, Double.NaN, "-", null, null, null, Goal.NONE, Map.of(), "FAILED: " + why);
  }

  /** True when the target is met, false when missed, null when there is nothing to compare. */
  Boolean met() {
    if (goal == Goal.NONE || Double.isNaN(figure)) {
      return null;
    }
    if (goal == Goal.FIGURE_AT_MOST) {
      return figure <= target;
    }
    return ratio == null ? null : ratio >= target;
  }

  boolean failed() {
    return Double.isNaN(figure);
  }

  /** This result with {@code key} added to (or replaced in) the details. */
  ScenarioResult withDetail(String key, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(details);
    more.put(key, value);
    return new ScenarioResult(name, figure, unit, baseline, ratio, target, goal, more, note);
  }

  ScenarioResult withNote(String text) {
    return new ScenarioResult(name, figure, unit, baseline, ratio, target, goal, details, text);
  }
}
