package io.annals.projections.cli;

import io.annals.projections.cli.Options.Command;
import io.annals.projections.runtime.FailurePolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the worker's command line into {@link Options}; every mistake is a {@link UsageException}. */
public final class OptionsParser {

  public static final String USAGE = "usage: projections run|run-once|rebuild NAME|resume NAME|status|export NAME --csv"
      + " [--hub URL] [--api-key K] [--db JDBC_URL] [--metrics-port N] [--interval 10s] [--lease-timeout 30s]"
      + " [--batch-size N] [--on-failure NAME=stop|park] [--worker-id ID]";

  private static final List<String> VALUED = List.of("--hub", "--api-key", "--db", "--metrics-port", "--interval",
      "--lease-timeout", "--batch-size", "--on-failure", "--worker-id");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

  private OptionsParser() {}

  public static Options parse(String... args) {
    return parse(Map.of(), args);
  }

  /**
   * Parses {@code args}; {@code env} may hold {@code PROJECTIONS_API_KEY}, used when
   * {@code --api-key} is not given (a key on the command line shows in the process list).
   */
  public static Options parse(Map<String, String> env, String... args) {
    Command command = null;
    String name = null;
    Map<String, String> values = new HashMap<>();
    Map<String, FailurePolicy> policies = new HashMap<>();
    boolean csv = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        command = Command.HELP;
      } else if (arg.equals("--csv")) {
        csv = true;
      } else if (arg.startsWith("--")) {
        String key = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        if (!VALUED.contains(key)) {
          throw new UsageException("unknown option " + key + " (expected one of " + String.join(", ", VALUED) + ", --csv)");
        }
        String value;
        if (arg.contains("=")) {
          value = arg.substring(arg.indexOf('=') + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new UsageException("option " + key + " needs a value");
        }
        if (key.equals("--on-failure")) {
          putPolicy(policies, value);
        } else {
          values.put(key, value);
        }
      } else if (command == null) {
        command = command(arg);
      } else if (command.takesName() && name == null) {
        name = arg;
      } else {
        throw new UsageException("unexpected argument " + arg);
      }
    }
    if (command == null) {
      throw new UsageException("a command is required");
    }
    if (command.takesName() && name == null) {
      throw new UsageException(command.word() + " needs a projection NAME");
    }
    if (command == Command.EXPORT && !csv) {
      throw new UsageException("export needs --csv (the only format)");
    }
    if (csv && command != Command.EXPORT) {
      throw new UsageException("--csv is an option of export only");
    }
    return new Options(command, name,
        url(values.getOrDefault("--hub", "http://localhost:8080")),
        values.getOrDefault("--api-key", env.get("PROJECTIONS_API_KEY")),
        jdbc(values.getOrDefault("--db", "jdbc:sqlite:./data/projections.db")),
        port(values.getOrDefault("--metrics-port", "9091")),
        duration("--interval", values.getOrDefault("--interval", "10s")),
        duration("--lease-timeout", values.getOrDefault("--lease-timeout", "30s")),
        positive("--batch-size", values.getOrDefault("--batch-size", "1000")),
        values.get("--worker-id"),
        policies, csv);
  }

  private static Command command(String word) {
    for (Command command : Command.values()) {
      if (command.word().equals(word)) {
        return command;
      }
    }
    throw new UsageException("unknown command " + word + " (expected run, run-once, rebuild, resume, status or export)");
  }

  private static void putPolicy(Map<String, FailurePolicy> policies, String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new UsageException("--on-failure must look like NAME=stop or NAME=park, was: " + value);
    }
    try {
      policies.put(value.substring(0, eq), FailurePolicy.parse(value.substring(eq + 1)));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--on-failure must look like NAME=stop or NAME=park, was: " + value);
    }
  }

  private static String url(String value) {
    if (!value.matches("https?://[^\\s/]+(/.*)?")) {
      throw new UsageException("--hub must be an http(s) URL like http://localhost:8080, was: " + value);
    }
    return value;
  }

  private static String jdbc(String value) {
    if (!value.startsWith("jdbc:sqlite:") && !value.startsWith("jdbc:postgresql:")) {
      throw new UsageException("--db must be a jdbc:sqlite: or jdbc:postgresql: URL, was: " + value);
    }
    return value;
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--metrics-port must be a port number 0-65535 (0 disables), was: " + value);
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(option + " must be a positive whole number, was: " + value);
  }

  /** {@code 10} and {@code 10s} are seconds, {@code 500ms} milliseconds, {@code 2m} minutes. */
  static Duration duration(String option, String value) {
    Matcher m = DURATION.matcher(value);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = "ms".equals(m.group(2)) ? Duration.ofMillis(n)
          : "m".equals(m.group(2)) ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
      if (!d.isZero()) {
        return d;
      }
    }
    throw new UsageException(option + " must be a positive duration like 10s, 500ms or 2m, was: " + value);
  }
}
