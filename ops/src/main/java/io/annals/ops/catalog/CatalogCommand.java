package io.annals.ops.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.ops.Command;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code catalog --hub URL [--api-key K]}: prints the hub's catalog ({@code GET /catalog}) as a
 * table: every service and type stored, with counts, the last hour, first and last
 * {@code received_at}, and the schema version and mode. The key may come from
 * {@code ANNALS_API_KEY} (kept out of the process list); it needs the reader role.
 *
 * <p>Exits 0 with the table; 2 on bad options; 69 when the hub cannot be reached or answers
 * anything but 200; 77 when the key is refused (401, 403).
 */
public final class CatalogCommand implements Command {

  static final int OK = 0;
  static final int USAGE = USAGE_ERROR;
  static final int UNAVAILABLE = 69;
  static final int NO_PERMISSION = 77;
  static final String USAGE_TEXT = "usage: catalog --hub URL [--api-key KEY]\n"
      + "  the key may also come from ANNALS_API_KEY (kept out of the process list); it needs the reader role";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public CatalogCommand() {
    this(System.out, System.err, System.getenv());
  }

  CatalogCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  @Override
  public String summary() {
    return "print every stored service/type with counts, last hour, first/last received_at and schema: --hub URL";
  }

  @Override
  public int run(String[] args) throws InterruptedException {
    String hub = null;
    String key = env.get("ANNALS_API_KEY");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help" -> {
          out.println(USAGE_TEXT);
          return OK;
        }
        case "--hub", "--api-key" -> {
          if (i + 1 >= args.length) {
            return usage(args[i] + " needs a value");
          }
          if (args[i].equals("--hub")) {
            hub = args[++i];
          } else {
            key = args[++i];
          }
        }
        default -> {
          return usage("unknown option " + args[i]);
        }
      }
    }
    if (hub == null) {
      return usage("--hub is required");
    }
    URI uri;
    try {
      uri = URI.create(hub.replaceAll("/+$", "") + "/catalog");
      if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        return usage("--hub must be an http(s) URL, was " + hub);
      }
    } catch (IllegalArgumentException e) {
      return usage("--hub must be an http(s) URL: " + e.getMessage());
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
    if (key != null && !key.isBlank()) {
      request.header("Authorization", "Bearer " + key);
    }
    HttpResponse<String> answer;
    try {
      answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("catalog: cannot reach " + uri + ": " + e);
      return UNAVAILABLE;
    }
    if (answer.statusCode() == 401 || answer.statusCode() == 403) {
      err.println("catalog: the hub refused the key (" + answer.statusCode() + "); GET /catalog needs a reader key");
      return NO_PERMISSION;
    }
    if (answer.statusCode() != 200) {
      err.println("catalog: the hub answered " + answer.statusCode() + ": " + answer.body());
      return UNAVAILABLE;
    }
    JsonNode types;
    try {
      types = JSON.readTree(answer.body()).path("types");
    } catch (IOException e) {
      err.println("catalog: the hub's answer is not JSON: " + e.getMessage());
      return UNAVAILABLE;
    }
    print(types);
    return OK;
  }

  private void print(JsonNode types) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SERVICE", "TYPE", "COUNT", "LAST HOUR", "FIRST RECEIVED", "LAST RECEIVED", "SCHEMA"});
    long total = 0;
    for (JsonNode t : types) {
      JsonNode schema = t.path("schema");
      rows.add(new String[] {t.path("service").asText(), t.path("type").asText(), String.format("%,d", t.path("count").asLong()),
          String.format("%,d", t.path("last_hour").asLong()), t.path("first_received_at").asText(), t.path("last_received_at").asText(),
          schema.isObject() ? "v" + schema.path("version").asInt() + " " + schema.path("mode").asText() : "-"});
      total += t.path("count").asLong();
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        // Numbers right-aligned, text left-aligned.
        String cell = c == 2 || c == 3 ? " ".repeat(widths[c] - row[c].length()) + row[c]
            : row[c] + " ".repeat(widths[c] - row[c].length());
        line.append(c == 0 ? "" : "  ").append(cell);
      }
      out.println(line.toString().stripTrailing());
    }
    out.printf("%d types, %,d events%n", types.size(), total);
  }

  private int usage(String problem) {
    err.println("catalog: " + problem);
    err.println(USAGE_TEXT);
    return USAGE;
  }
}
