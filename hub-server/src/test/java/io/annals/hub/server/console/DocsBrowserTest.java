package io.annals.hub.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.http.DocsRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Swagger UI at {@code /docs} in a real headless Chromium against a real hub (child JVM, with keys):
 * it renders every operation of the hub's own {@code /openapi.json}, under the docs' policy (no
 * eval, no inline script) without a script error, a console error or a policy violation, and the
 * browser asks for nothing outside the hub. Shares the console tests' browser helper (and their
 * skip, with a message, where Debian's chromium is absent).
 */
class DocsBrowserTest {

  static Path dir;
  static ConsoleHub hub;
  static ConsoleBrowser browser;

  @BeforeAll
  static void start() throws Exception {
    ConsoleBrowser.requireChromium();
    dir = Files.createTempDirectory("annals-docs-");
    hub = ConsoleHub.start(dir);
    browser = ConsoleBrowser.start(hub.url());
  }

  @AfterAll
  static void stop() throws Exception {
    ConsoleBrowser.closeAll(browser, hub);
  }

  @Test
  void swagger_ui_renders_every_operation_of_the_document_without_errors_or_policy_violations() {
    List<String> operationIds = operationIds(hub.read("/openapi.json"));
    browser.driver().get(hub.url() + "/docs");
    browser.waitFor("Swagger UI to render POST /events",
        d -> !browser.all(".opblock-post .opblock-summary-path[data-path='/events']").isEmpty());
    browser.waitFor("Swagger UI to render all " + operationIds.size() + " operations",
        d -> browser.all(".opblock").size() == operationIds.size());

    assertThat(browser.all(".opblock-summary-operation-id")).extracting(e -> e.getText().strip())
        .containsExactlyInAnyOrderElementsOf(operationIds).contains("publishEvent");
    assertThat(browser.text(".info .title")).contains("Annals hub");
    var probe = browser.probe();
    assertThat(probe.get("violations")).as("CSP violations under " + DocsRoutes.CONTENT_SECURITY_POLICY).isEmpty();
    assertThat(probe.get("errors")).as("script errors").isEmpty();
    assertThat(browser.consoleErrors()).as("the browser console's errors").isEmpty();
    assertThat(browser.requestedUrls()).isNotEmpty().allSatisfy(url -> assertThat(url).satisfiesAnyOf(
        u -> assertThat(u).startsWith(hub.url() + "/"), u -> assertThat(u).startsWith("data:")));
    browser.screenshots("docs");
  }

  @Test
  void try_it_out_calls_the_hub_that_served_the_page_within_its_policy() {
    browser.driver().get(hub.url() + "/docs");
    browser.waitFor("Swagger UI to render GET /health/live",
        d -> !browser.all(".opblock-get .opblock-summary-path[data-path='/health/live']").isEmpty());
    assertThat(browser.text(".servers select")).contains(hub.url()).doesNotContain("8080");
    browser.one(".opblock-get .opblock-summary-path[data-path='/health/live']").click();
    browser.waitFor("the Try it out button", d -> !browser.all(".opblock.is-open .try-out__btn").isEmpty());
    browser.one(".opblock.is-open .try-out__btn").click();
    browser.waitFor("the Execute button", d -> !browser.all(".opblock.is-open .execute").isEmpty());
    browser.one(".opblock.is-open .execute").click();
    browser.waitFor("the hub's answer in the page",
        d -> browser.text(".opblock.is-open .live-responses-table tr.response .response-col_status").strip().equals("200"));
    assertThat(browser.text(".opblock.is-open .live-responses-table tr.response .response-col_description")).contains("\"live\"");
    assertThat(browser.probe().get("violations")).isEmpty();
    assertThat(browser.consoleErrors()).isEmpty();
    assertThat(browser.requestedUrls()).contains(hub.url() + "/health/live");
  }

  private static List<String> operationIds(JsonNode document) {
    List<String> ids = new ArrayList<>();
    for (Iterator<JsonNode> paths = document.path("paths").elements(); paths.hasNext();) {
      paths.next().forEach(operation -> {
        if (operation.has("operationId")) {
          ids.add(operation.get("operationId").asText());
        }
      });
    }
    return ids;
  }
}
