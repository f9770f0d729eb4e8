package io.annals.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the operational files of the repository (alert rules, the Grafana dashboard, the metrics
 * contract) and takes PromQL apart just enough to check them: metric names, series selectors,
 * and an alert's signal (its expression without the final threshold comparison).
 */
final class OpsFiles {

  /** One alert rule: its name and PromQL expression. */
  record Alert(String group, String name, String expr) {}

  /** One PromQL query of the dashboard, or of a template variable. */
  record DashboardQuery(String where, String expr) {}

  /** A series selector: {@code metric{label op "value", ...}}. */
  record Selector(String text, String metric, List<LabelMatcher> matchers) {}

  /** One label matcher of a selector. */
  record LabelMatcher(String text, String label, String op, String value) {}

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(\"(?:[^\"\\\\]|\\\\.)*\")");
  private static final Pattern THRESHOLD =
      Pattern.compile("(?s)^(.*?)\\s*(>=|<=|==|!=|>|<)\\s*(bool\\s+)?[-+]?[0-9][0-9.eE+-]*\\s*$");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([^,)]+?)\\s*(?:,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*)?\\)");
  private static final Set<String> KEYWORDS = Set.of(
      "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
      "group_right", "inf", "nan", "Inf", "NaN");
  private static final Pattern DOC_METRIC = Pattern.compile("`(annals_[a-z0-9_]+)`");
  private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_count", "_sum", "_max");

  private OpsFiles() {}

  /** The repository root: surefire runs with the module directory ({@code ops/}) as working directory. */
  static Path repo() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docs/metrics.md")) && Files.isDirectory(p.resolve("ops"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (with docs/metrics.md) above " + dir);
  }

  static Path rulesDir() {
    return repo().resolve("ops/prometheus/rules");
  }

  static List<Path> ruleFiles() {
    try (Stream<Path> files = Files.list(rulesDir())) {
      return files.filter(p -> p.getFileName().toString().endsWith(".rules.yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> dashboards() {
    try (Stream<Path> files = Files.list(repo().resolve("ops/grafana/dashboards"))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    for (Path file : ruleFiles()) {
      for (JsonNode group : yaml(file).path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          if (rule.has("alert")) {
            alerts.add(new Alert(group.path("name").asText(), rule.get("alert").asText(), rule.get("expr").asText().strip()));
          }
        }
      }
    }
    return alerts;
  }

  /** Every PromQL query of every dashboard: panel targets and template-variable queries. */
  static List<DashboardQuery> dashboardQueries() {
    List<DashboardQuery> queries = new ArrayList<>();
    for (Path file : dashboards()) {
      JsonNode dashboard = json(file);
      collectPanels(dashboard.path("panels"), file.getFileName().toString(), queries);
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        String query = variable.path("query").isObject() ? variable.path("query").path("query").asText()
            : variable.path("query").asText();
        Matcher m = LABEL_VALUES.matcher(query);
        // label_values(selector, label) asks Prometheus for the series of selector.
        String expr = m.matches() ? m.group(1) : query;
        queries.add(new DashboardQuery(file.getFileName() + " variable $" + variable.path("name").asText(), expr));
      }
    }
    return queries;
  }

  private static void collectPanels(JsonNode panels, String file, List<DashboardQuery> into) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          into.add(new DashboardQuery(file + " panel \"" + panel.path("title").asText() + "\" "
              + target.path("refId").asText(), target.get("expr").asText()));
        }
      }
      collectPanels(panel.path("panels"), file, into);
    }
  }

  /** Grafana's variables as a plain query sees them: all services, and a fixed rate window. */
  static String forPrometheus(String dashboardExpr, String rateWindow) {
    return dashboardExpr
        .replace("$__rate_interval", rateWindow)
        .replace("$__interval", rateWindow)
        .replace("$__range", rateWindow)
        .replace("$service", ".*");
  }

  /** The alert's expression without its final threshold comparison, or the expression itself. */
  static String signal(String alertExpr) {
    Matcher m = THRESHOLD.matcher(alertExpr.strip());
    return m.matches() ? m.group(1).strip() : alertExpr.strip();
  }

  /** The metric names an expression selects (not functions, keywords, labels or durations). */
  static Set<String> metricNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = s.replaceAll("\\{[^}]*\\}", " ").replaceAll("\\[[^\\]]*\\]", " ").replaceAll("\\$\\w+", " ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      String name = m.group();
      boolean call = s.substring(m.end()).stripLeading().startsWith("(");
      boolean partOfNumber = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.');
      if (!call && !partOfNumber && !KEYWORDS.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /** Every series selector of the expression, with its label matchers. */
  static List<Selector> selectors(String expr) {
    Set<String> metrics = metricNames(expr);
    List<Selector> selectors = new ArrayList<>();
    Matcher m = SELECTOR.matcher(expr);
    while (m.find()) {
      if (!metrics.contains(m.group(1))) {
        continue;
      }
      List<LabelMatcher> matchers = new ArrayList<>();
      if (m.group(2) != null) {
        Matcher lm = MATCHER.matcher(m.group(2));
        while (lm.find()) {
          String quoted = lm.group(3);
          matchers.add(new LabelMatcher(lm.group(), lm.group(1), lm.group(2), quoted.substring(1, quoted.length() - 1)));
        }
      }
      selectors.add(new Selector(m.group(), m.group(1), matchers));
    }
    return selectors;
  }

  /** The metric names docs/metrics.md lists (Prometheus names, as scraped). */
  static Set<String> documentedMetrics() {
    try {
      Set<String> names = new LinkedHashSet<>();
      Matcher m = DOC_METRIC.matcher(Files.readString(repo().resolve("docs/metrics.md")));
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when {@code name} is in the contract: itself, a histogram's series, or Prometheus's {@code up}. */
  static boolean documented(String name, Set<String> documented) {
    if (name.equals("up") || documented.contains(name)) {
      return true;
    }
    return HISTOGRAM_SUFFIXES.stream()
        .anyMatch(suffix -> name.endsWith(suffix) && documented.contains(name.substring(0, name.length() - suffix.length())));
  }

  static JsonNode yaml(Path file) {
    try {
      return new YAMLMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
