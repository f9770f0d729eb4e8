package io.annals.ops.loadgen;

import io.annals.ops.Command;
import java.net.http.HttpClient;
import java.time.Clock;

/**
 * {@code loadgen}: sends realistic traffic to one or more hubs at a fixed rate for a while, then
 * prints a summary (events sent by kind, outcomes, errors, latency). Exits 0 when every request
 * was answered without a server error, 1 otherwise, 2 on bad options.
 */
public final class LoadgenCommand implements Command {

  @Override
  public String summary() {
    return "send realistic traffic at a fixed rate: --hub URL --rate N --duration D --services K [--api-key K]";
  }

  @Override
  public int run(String[] args) throws InterruptedException {
    if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
      System.out.println(LoadgenOptions.USAGE);
      return 0;
    }
    LoadgenOptions options;
    try {
      options = LoadgenOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("loadgen: " + e.getMessage());
      return USAGE_ERROR;
    }
    HttpClient http = Loadgen.defaultClient(options);
    LoadgenReport report = new Loadgen(options, TrafficMix.REALISTIC, Clock.systemUTC(), http, System.err).run();
    System.out.println(report.format());
    return report.ok() ? 0 : 1;
  }
}
