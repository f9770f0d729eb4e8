package io.annals.clientgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The typescript-fetch leg of {@link GeneratedClientsTest}: generates the client, compiles it with
 * a driver using {@code tsc} and runs the driver with Node. Where {@code node} or {@code tsc} is not
 * on the PATH (ops/ci/check-ops.sh installs TypeScript with npm), the test is skipped and says so.
 */
final class TypeScriptClient {

  /** What {@link GeneratedClientsTest#generate} does, passed in so this class needs no state. */
  interface Generator {
    void generate(String generator, String library, Path out, String pkg);
  }

  private TypeScriptClient() {}

  static void drive(Path document, Path out, String hubUrl, Generator generator) throws Exception {
    String tsc = onPath("tsc");
    String node = onPath("node");
    String missing = tsc == null ? "tsc (npm install -g typescript; ops/ci/check-ops.sh does)" : node == null ? "node" : null;
    if (missing != null) {
      System.out.println("SKIPPED typescript-fetch client: " + missing + " is not on the PATH");
    }
    Assumptions.assumeTrue(missing == null, "typescript-fetch client: " + missing + " is not on the PATH");

    generator.generate("typescript-fetch", null, out, null);
    Files.writeString(out.resolve("driver.ts"), GeneratedClientsTest.resource("drivers/driver.ts"));
    GeneratedClientsTest.run(out, List.of(tsc, "--target", "es2020", "--module", "commonjs", "--lib", "es2020,dom",
        "--skipLibCheck", "--outDir", "js", "driver.ts"));
    String output = GeneratedClientsTest.run(out, List.of(node, "js/driver.js", hubUrl));
    System.out.println("typescript-fetch client: " + output.strip().replace('\n', ';'));
    assertThat(output.lines()).hasSize(5);
  }

  private static String onPath(String program) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(entry, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
