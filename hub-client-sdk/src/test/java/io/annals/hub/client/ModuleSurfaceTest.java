package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SDK's public surface, read from what the build produced: the module exports only the API
 * package, and that package's public types are the ones producers and projections use. A new
 * public type or export fails here, so that it is added on purpose (docs/decisions.md, "SDK surface").
 */
class ModuleSurfaceTest {

  @Test
  void the_module_exports_only_the_api_package_to_everyone() throws Exception {
    // A finder over the compiled classes, so that the module's packages are the ones on disk.
    ModuleDescriptor module = ModuleFinder.of(classes()).find("io.annals.hub.client").orElseThrow().descriptor();

    assertThat(module.name()).isEqualTo("io.annals.hub.client");
    assertThat(module.exports()).singleElement().satisfies(export -> {
      assertThat(export.source()).isEqualTo("io.annals.hub.client");
      assertThat(export.isQualified()).as("exported to everyone").isFalse();
    });
    assertThat(module.opens()).isEmpty();
    assertThat(module.packages()).contains("io.annals.hub.client.internal.spool", "io.annals.hub.client.internal.delivery");
  }

  @Test
  void the_api_package_holds_only_the_public_types_producers_and_projections_use() throws Exception {
    Set<String> publicTypes = topLevelTypes().stream()
        .filter(type -> Modifier.isPublic(type.getModifiers()))
        .map(Class::getSimpleName)
        .collect(Collectors.toSet());

    assertThat(publicTypes).containsExactlyInAnyOrder(
        // producers
        "AnnalsClient", "AnnalsClientBuilder", "Events", "EventBuilder", "SendResult", "Outcome",
        "DeliveryListener", "DeadLetter", "SpoolFullException",
        // projections
        "FeedReader", "FeedTail", "FeedPage", "FeedLag", "ReceivedEvent",
        // both
        "HubException");
  }

  @Test
  void the_feed_decoders_and_the_payload_text_factory_are_not_public() throws Exception {
    assertThat(topLevelTypes()).filteredOn(type -> Set.of("FeedJson", "CanonicalPageReader", "FeedHttp", "ReadAhead")
            .contains(type.getSimpleName()))
        .hasSize(4)
        .allSatisfy(type -> assertThat(Modifier.isPublic(type.getModifiers())).as(type.getName()).isFalse());
    assertThat(Stream.of(ReceivedEvent.class.getDeclaredMethods()).filter(m -> m.getName().equals("withPayloadText")))
        .singleElement().satisfies(m -> assertThat(Modifier.isPublic(m.getModifiers())).isFalse());
    assertThat(Stream.of(FeedReader.class.getMethods()).map(java.lang.reflect.Method::getName)).doesNotContain("toEvent");
  }

  private static Set<Class<?>> topLevelTypes() throws IOException {
    try (Stream<Path> files = Files.list(classes().resolve("io/annals/hub/client"))) {
      return files.map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".class") && !name.contains("$"))
          .map(name -> load("io.annals.hub.client." + name.substring(0, name.length() - ".class".length())))
          .collect(Collectors.toSet());
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, ModuleSurfaceTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** The directory the SDK's main classes were compiled to. */
  private static Path classes() {
    try {
      return Path.of(AnnalsClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }
}
