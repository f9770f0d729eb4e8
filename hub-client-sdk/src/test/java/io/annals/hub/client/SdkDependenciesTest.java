package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DocumentationTool;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK artifact stays lean and documented: its resolved runtime dependencies (written by the
 * build's {@code dependency:list}) are exactly those listed in its README, with no Kotlin; and the
 * javadoc tool with {@code -Xdoclint:all} finds nothing missing in the API package.
 */
class SdkDependenciesTest {

  private static final Path RESOLVED = Path.of("target", "runtime-dependencies.txt");
  private static final Path README = Path.of("README.md");
  private static final Pattern RESOLVED_LINE = Pattern.compile("^\\s+([^:\\s]+):([^:\\s]+):jar:([^:\\s]+).*$");
  private static final Pattern LISTED_LINE = Pattern.compile("^([^:\\s]+):([^:\\s]+):(\\S+)( \\(optional\\))?$");

  @Test
  void the_resolved_dependencies_are_exactly_those_listed_in_the_readme() throws IOException {
    assertThat(RESOLVED).as("written by dependency:list in generate-test-resources").exists();
    TreeSet<String> resolved = new TreeSet<>();
    for (String line : Files.readAllLines(RESOLVED)) {
      Matcher m = RESOLVED_LINE.matcher(line);
      if (m.matches()) {
        resolved.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
      }
    }

    assertThat(resolved).as("resolved by Maven").isNotEmpty().isEqualTo(listed());
  }

  @Test
  void no_kotlin_is_resolved_or_listed() throws IOException {
    assertThat(Files.readString(RESOLVED)).doesNotContainIgnoringCase("kotlin").doesNotContain("org.jetbrains");
    assertThat(listed()).noneMatch(d -> d.contains("kotlin") || d.startsWith("org.jetbrains"));
  }

  @Test
  void javadoc_with_doclint_all_reports_nothing_on_the_api_package(@TempDir Path out) throws IOException {
    List<String> sources;
    try (Stream<Path> files = Files.list(Path.of("src", "main", "java", "io", "annals", "hub", "client"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).sorted().toList();
    }
    assertThat(sources).anyMatch(s -> s.endsWith("package-info.java"));
    List<String> args = new ArrayList<>(List.of("-Xdoclint:all", "-quiet", "-d", out.toString(),
        "-cp", System.getProperty("java.class.path")));
    args.addAll(sources);
    ByteArrayOutputStream messages = new ByteArrayOutputStream();
    DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();

    int exit = javadoc.run(null, messages, messages, args.toArray(String[]::new));

    String said = messages.toString(StandardCharsets.UTF_8);
    assertThat(said).as("javadoc -Xdoclint:all").doesNotContain("warning").doesNotContain("error");
    assertThat(exit).as(said).isZero();
  }

  private static TreeSet<String> listed() throws IOException {
    String readme = Files.readString(README);
    int start = readme.indexOf("<!-- sdk-dependencies:start -->");
    int end = readme.indexOf("<!-- sdk-dependencies:end -->");
    assertThat(start).as("README marks its dependency list").isNotNegative().isLessThan(end);
    TreeSet<String> listed = new TreeSet<>();
    for (String line : readme.substring(start, end).lines().map(String::strip).toList()) {
      Matcher m = LISTED_LINE.matcher(line);
      if (m.matches()) {
        listed.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
      }
    }
    return listed;
  }
}
