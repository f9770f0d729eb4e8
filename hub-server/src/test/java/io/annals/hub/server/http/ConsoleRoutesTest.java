package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.TestHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /console} and its files over HTTP (the browser tests are in {@code
 * io.annals.hub.server.console}): open without a key on a keyed hub, every answer under the strict
 * Content-Security-Policy, nothing else of the jar reachable; and the files themselves keep the
 * rules the policy relies on: no inline script or style, no handler attributes, no eval or HTML
 * parsing of strings in the script.
 */
class ConsoleRoutesTest {

  @TempDir static Path dir;
  static TestHub hub;

  @BeforeAll
  static void start() throws IOException {
    hub = TestHub.keyed(dir);
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @Test
  void the_page_and_its_files_are_served_without_a_key_under_the_strict_policy() {
    Map<String, String> types = Map.of("/console", "text/html", "/console/index.html", "text/html",
        "/console/console.js", "text/javascript", "/console/console.css", "text/css", "/console/icon.svg", "image/svg+xml");
    StaticFilesAssertions.servedWithoutKey(hub, types, ConsoleRoutes.CONTENT_SECURITY_POLICY);
    assertThat(ConsoleRoutes.CONTENT_SECURITY_POLICY).startsWith("default-src 'self';").contains("frame-ancestors 'none'")
        .contains("script-src 'self';").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
  }

  @Test
  void other_paths_under_console_answer_404_problem_details_and_reach_nothing_else_of_the_jar() {
    StaticFilesAssertions.notFound(hub, List.of("/console/openapi.json", "/console/simplelogger.properties",
        "/console/..%2Fopenapi.json", "/console/%2e%2e%2fopenapi.json", "/console/nothing.js"), "\"openapi\"", "org.slf4j");
  }

  @Test
  void the_page_has_no_inline_script_style_or_handler_and_loads_only_its_own_files() {
    String html = resource("index.html");
    Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).contains("src=\"/console/console.js\"");
      assertThat(scripts.group(2)).isBlank();
    }
    assertThat(count).isEqualTo(1);
    assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+\\s*=").doesNotContain("<style").doesNotContain("style=")
        .doesNotContainPattern("(?i)javascript:").doesNotContainPattern("(?i)(src|href)=\"(https?:)?//");
  }

  @Test
  void the_script_never_parses_strings_as_html_or_code() {
    String js = resource("console.js");
    for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
        "setTimeout('", "setTimeout(\"", "setInterval(", "DOMParser", "createContextualFragment", "srcdoc", "localStorage",
        "onclick", "onerror", "onload")) {
      assertThat(js).as("the script uses " + sink).doesNotContain(sink);
    }
    // The key goes only into the Authorization header and sessionStorage.
    assertThat(js).contains("headers.Authorization = 'Bearer ' + k;").contains("sessionStorage.setItem(KEY_STORAGE, value)");
  }

  private static String resource(String name) {
    return new String(StaticFiles.resource(ConsoleRoutes.RESOURCES + name), StandardCharsets.UTF_8);
  }
}
