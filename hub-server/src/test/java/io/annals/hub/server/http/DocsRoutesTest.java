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
 * {@code GET /docs} (Swagger UI) and its files over HTTP on a keyed hub, without a key: each file
 * of the allow-list with its type under the docs' policy, every other name a 404 problem (the
 * WebJar's other files included), and our page loading only our own files with no inline script.
 * The browser test is {@code io.annals.hub.server.console.DocsBrowserTest}.
 */
class DocsRoutesTest {

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
  void the_page_and_the_allowed_files_are_served_without_a_key_under_the_docs_policy() {
    Map<String, String> types = Map.of("/docs", "text/html", "/docs/index.html", "text/html",
        "/docs/docs.js", "text/javascript", "/docs/swagger-ui.css", "text/css", "/docs/swagger-ui-bundle.js",
        "text/javascript", "/docs/favicon-16x16.png", "image/png", "/docs/favicon-32x32.png", "image/png");
    StaticFilesAssertions.servedWithoutKey(hub, types, DocsRoutes.CONTENT_SECURITY_POLICY);
    assertThat(DocsRoutes.CONTENT_SECURITY_POLICY).isEqualTo("default-src 'self'; img-src 'self' data:; "
        + "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  }

  @Test
  void the_bundle_is_swagger_ui_from_the_webjar_whose_version_its_pom_properties_names() {
    assertThat(DocsRoutes.webjarVersion()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(hub.get("/docs/swagger-ui-bundle.js").body()).contains("SwaggerUIBundle");
  }

  @Test
  void other_names_under_docs_answer_404_problem_details_even_for_other_files_of_the_webjar() {
    StaticFilesAssertions.notFound(hub, List.of("/docs/swagger-ui.js", "/docs/swagger-initializer.js",
        "/docs/oauth2-redirect.html", "/docs/swagger-ui-standalone-preset.js", "/docs/index.css", "/docs/openapi.json",
        "/docs/..%2Fopenapi.json", "/docs/%2e%2e%2fconsole%2fconsole.js", "/docs/pom.properties", "/docs/nothing.js"),
        "\"openapi\"", "SwaggerUI");
  }

  @Test
  void the_page_has_no_inline_script_and_loads_only_files_under_docs() {
    String html = resource("index.html");
    Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).containsPattern("src=\"/docs/(swagger-ui-bundle|docs)\\.js\"");
      assertThat(scripts.group(2)).isBlank();
    }
    assertThat(count).isEqualTo(2);
    Matcher links = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
    while (links.find()) {
      assertThat(hub.get(links.group(1)).statusCode()).as(links.group(1)).isEqualTo(200);
    }
    assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+\\s*=").doesNotContainPattern("(?i)(src|href)=\"(https?:)?//");
    assertThat(resource("docs.js")).contains("url: '/openapi.json'").contains("validatorUrl: null");
  }

  private static String resource(String name) {
    return new String(StaticFiles.resource(DocsRoutes.RESOURCES + name), StandardCharsets.UTF_8);
  }
}
