package io.annals.ops.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The results of one run and the machine it ran on, as the table printed at the end and as
 * {@code bench-results.json}: {@code {"machine": "...", "scenarios": [{"name", "figure", "unit",
 * "baseline", "ratio", "target", ...}]}}. Numbers are rounded to three significant decimals so
 * that the file reads well; a figure that could not be measured is {@code null}.
 */
record BenchReport(String machine, String mode, List<ScenarioResult> results) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  BenchReport {
    results = List.copyOf(results);
  }

  ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("machine", machine);
    root.put("mode", mode);
    ArrayNode scenarios = root.putArray("scenarios");
    for (ScenarioResult r : results) {
      ObjectNode s = scenarios.addObject();
      s.put("name", r.name());
      number(s, "figure", r.failed() ? null : r.figure());
      s.put("unit", r.unit());
      number(s, "baseline", r.baseline());
      number(s, "ratio", r.ratio());
      number(s, "target", r.target());
      s.put("goal", r.goal().text());
      Boolean met = r.met();
      if (met == null) {
        s.putNull("met");
      } else {
        s.put("met", met);
      }
      ObjectNode details = s.putObject("details");
      for (Map.Entry<String, Object> d : r.details().entrySet()) {
        if (d.getValue() instanceof Number n) {
          number(details, d.getKey(), n.doubleValue());
        } else {
          details.put(d.getKey(), String.valueOf(d.getValue()));
        }
      }
      if (r.note() != null) {
        s.put("note", r.note());
      }
    }
    return root;
  }

  String toJsonText() {
    try {
      return JSON.writeValueAsString(toJson()) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the results as JSON", e);
    }
  }

  void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJsonText());
  }

  /** The table for a terminal (and for the README): one line per scenario. */
  String table() {
    StringBuilder t = new StringBuilder();
    t.append(String.format("%-26s %14s %-9s %14s %7s %12s  %s%n", "scenario", "figure", "unit", "baseline", "ratio",
        "target", "met"));
    for (ScenarioResult r : results) {
      String target = switch (r.goal()) {
        case RATIO_AT_LEAST -> ">= " + plain(r.target());
        case FIGURE_AT_MOST -> "<= " + plain(r.target()) + " " + r.unit();
        case NONE -> "-";
      };
      Boolean met = r.met();
      t.append(String.format("%-26s %14s %-9s %14s %7s %12s  %s%n", r.name(), r.failed() ? "-" : plain(r.figure()),
          r.unit(), r.baseline() == null ? "-" : plain(r.baseline()), r.ratio() == null ? "-" : plain(r.ratio()),
          target, met == null ? "-" : met ? "yes" : "NO"));
      if (r.note() != null) {
        t.append("    ").append(r.note()).append('\n');
      }
    }
    return t.toString();
  }

  private static void number(ObjectNode node, String field, Double value) {
    if (value == null || value.isNaN() || value.isInfinite()) {
      node.putNull(field);
    } else {
      node.put(field, round(value));
    }
  }

  /** Three decimals below 100, none above: 0.734, 12.5, 48211. */
  static BigDecimal round(double value) {
    BigDecimal d = BigDecimal.valueOf(value);
    return (Math.abs(value) >= 100 ? d.setScale(0, RoundingMode.HALF_UP) : d.setScale(3, RoundingMode.HALF_UP))
        .stripTrailingZeros();
  }

  private static String plain(Double value) {
    return value == null ? "-" : round(value).toPlainString();
  }
}
