package io.annals.hub.client;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Starts a real child JVM on this test's classpath (or a filtered one), its output in a file. */
final class ChildJvm {

  private ChildJvm() {}

  static String classpath() {
    return System.getProperty("java.class.path");
  }

  /** This test's classpath without the entries whose path contains {@code fragment}. */
  static String classpathWithout(String fragment) {
    return Arrays.stream(classpath().split(File.pathSeparator))
        .filter(entry -> !entry.contains(fragment))
        .collect(Collectors.joining(File.pathSeparator));
  }

  static Process start(String classpath, Class<?> main, Path output, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Small and quick to start: the machine is shared and these children do little work.
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classpath, main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
  }

  static String output(Path output) {
    try {
      String text = Files.readString(output);
      return text.length() <= 4000 ? text : "…" + text.substring(text.length() - 4000);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }
}
