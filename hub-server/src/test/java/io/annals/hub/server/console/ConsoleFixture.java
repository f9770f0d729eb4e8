package io.annals.hub.server.console;

import io.annals.hub.server.TestApiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real hub and one Chromium for a test class ({@code @RegisterExtension static}): started
 * before its tests (aborted, saying so, without Chromium; before the hub starts), filled by the
 * class's {@link Setup}, each test begun on a fresh page with the reader key, both closed after.
 */
final class ConsoleFixture implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  /** What a class does once the hub and browser run: keep them, publish its events. */
  @FunctionalInterface
  interface Setup {
    void with(ConsoleHub hub, ConsoleBrowser browser) throws Exception;
  }

  private final Setup setup;
  private Path dir;
  private ConsoleHub hub;
  private ConsoleBrowser browser;

  ConsoleFixture(Setup setup) {
    this.setup = setup;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    ConsoleBrowser.requireChromium();
    dir = Files.createTempDirectory("annals-console-");
    hub = ConsoleHub.start(dir);
    browser = ConsoleBrowser.start(hub.url());
    setup.with(hub, browser);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    browser.signIn(TestApiKeys.READER);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      ConsoleBrowser.closeAll(browser, hub);
    } finally {
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(ConsoleFixture::delete);
        }
      }
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
