package io.annals.ops.history;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of export, import and migrate: {@code --name value} options from a known set,
 * flags, and positional arguments. Bad input throws IllegalArgumentException naming the option.
 */
final class Options {

  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();
  private final boolean help;

  private Options(String[] args, Set<String> valued, Set<String> flags) {
    boolean h = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        h = true;
      } else if (flags.contains(a)) {
        values.put(a, "true");
      } else if (valued.contains(a)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        if (values.put(a, args[++i]) != null) {
          throw new IllegalArgumentException(a + " given twice");
        }
      } else if (a.startsWith("--")) {
        throw new IllegalArgumentException("unknown option " + a);
      } else {
        positional.add(a);
      }
    }
    this.help = h;
  }

  static Options parse(String[] args, Set<String> valued, Set<String> flags) {
    return new Options(args, valued, flags);
  }

  boolean help() {
    return help;
  }

  String get(String name) {
    return values.get(name);
  }

  String get(String name, String absent) {
    return values.getOrDefault(name, absent);
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }

  List<String> positional() {
    return positional;
  }

  int positive(String name, int absent) {
    String v = values.get(name);
    if (v == null) {
      return absent;
    }
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive integer, was: " + v);
  }

  Instant time(String name) {
    String v = values.get(name);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO-8601 time with offset such as 2026-01-01T00:00:00Z, was: " + v);
    }
  }

  /** The API key: the option, else ANNALS_API_KEY (kept out of the process list); null for none. */
  String apiKey(Map<String, String> env) {
    String key = values.getOrDefault("--api-key", env.get("ANNALS_API_KEY"));
    return key == null || key.isBlank() ? null : key;
  }
}
