package io.annals.ops.bench;

import io.annals.testsupport.ChildJvm;
import io.annals.testsupport.HubProcess;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The HTTP floor under single-event ingestion: the same wrk load against a server that does
 * nothing but what any HTTP service must: Javalin (the hub's server, same version, defaults) in
 * its own JVM, reading each body and answering {@code 201} with it and a {@code Location}, as the
 * hub answers with the stored event (a few bytes longer: its {@code received_at}). Its
 * rate and CPU per request, measured beside the hub in the same run, split the hub's CPU per event
 * into what HTTP alone costs here, what the raw insert costs, and what is the hub's own (issue
 * 29): the part that code changes can win back.
 */
final class HttpFloor {

  /** A {@code Location} as long as the hub's ({@code /events/} and a UUID). */
  static final String LOCATION = "/events/0190e2a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b";

  private HttpFloor() {}

  /** The floor server: {@code HttpFloor PORT}, until killed. */
  public static void main(String[] args) {
    start(Integer.parseInt(args[0]));
  }

  /** Starts the floor server on {@code port} (0: any free port, {@code app.port()} tells which). */
  static Javalin start(int port) {
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
    });
    app.post("/events", ctx -> {
      byte[] event = ctx.bodyInputStream().readAllBytes();
      ctx.status(201).contentType("application/json").header("Location", LOCATION).result(event);
    });
    return app.start("127.0.0.1", port);
  }

  /** The floor's rate and its server's CPU over one measured window (after a warm-up). */
  record Figures(double perSecond, double cpuMicrosPerRequest, double contextSwitchesPerRequest, JitWarmUp warmUp,
      int cores) {

    /**
     * Puts the floor's figures into {@code details}, and the hub's CPU per event beyond the floor
     * and the raw insert's CPU per event: what the hub spends that neither HTTP nor the store needs.
     */
    void addTo(Map<String, Object> details, double hubCpuMicrosPerEvent, double rawCpuMicrosPerEvent) {
      details.put("http_floor_events_per_s", perSecond);
      details.put("http_floor_server_cpu_us_per_request", cpuMicrosPerRequest);
      details.put("http_floor_context_switches_per_request", contextSwitchesPerRequest);
      warmUp.addTo(details, "http_floor_");
      details.put("hub_cpu_us_per_event_beyond_http_floor_and_raw_insert",
          hubCpuMicrosPerEvent - cpuMicrosPerRequest - rawCpuMicrosPerEvent);
      details.put("ceiling_events_per_s_http_floor_plus_raw_insert", ceiling(rawCpuMicrosPerEvent));
    }

    /**
     * An estimate of the most single events per second a hub could answer here if it did nothing
     * but the floor's HTTP and the raw insert: the floor run keeps every core busy (wrk, the
     * kernel, the server), so each of its requests costs the machine {@code cores / rate}; a hub
     * adds at least the raw insert's CPU to that.
     */
    double ceiling(double rawCpuMicrosPerEvent) {
      double machineMicrosPerRequest = cores * 1e6 / perSecond;
      return cores * 1e6 / (machineMicrosPerRequest + rawCpuMicrosPerEvent);
    }
  }

  /**
   * Starts the floor server in a child JVM with the hub's JVM options, warms it with {@code wrk}
   * until its JIT compilers settle, measures {@code time} of {@code clients} connections, stops it.
   *
   * @throws IllegalStateException when the server does not answer: a floor that cannot be measured
   *     fails the scenario rather than reporting nothing
   */
  static Figures measure(Run run, Wrk wrk, int clients, Duration time, long seed) throws InterruptedException {
    int port = HubProcess.freePort();
    Path log = run.workDir().resolve("http-floor.log");
    try (ChildJvm server = ChildJvm.builder(HttpFloor.class.getName(), log).jvmArgs(run.options().hubJvmArgs())
        .args(List.of(Integer.toString(port))).start()) {
      URI url = URI.create("http://127.0.0.1:" + port);
      awaitAnswer(url, server, log);
      JitWarmUp warm = JitWarmUp.until(run, server.pid(), "http floor", SingleEvents.SLICE,
          i -> wrk.closedLoop(url, clients, SingleEvents.SLICE, seed + 1000L * i).elapsed());
      long cpuBefore = Cpu.processNanos(server.pid()).orElse(0);
      long switchesBefore = Cpu.threads(server.pid()).contextSwitches();
      Wrk.Result r = wrk.closedLoop(url, clients, time, seed);
      long cpu = Cpu.processNanos(server.pid()).orElse(0) - cpuBefore;
      long switches = Cpu.threads(server.pid()).contextSwitches() - switchesBefore;
      if (r.refused() > 0 || r.requests() == 0) {
        throw new IllegalStateException("the HTTP floor server answered " + r.refused() + " of " + r.requests()
            + " requests with something else than 201: " + ChildJvm.logTail(log, 20));
      }
      run.progress("http floor: %,.0f requests/s, server CPU %.1f µs per request", r.perSecond(),
          cpu / 1000.0 / r.requests());
      return new Figures(r.perSecond(), cpu / 1000.0 / r.requests(), (double) switches / r.requests(), warm,
          Runtime.getRuntime().availableProcessors());
    }
  }

  /** Waits until the server answers a POST with 201; throws with its log when it does not, or has exited. */
  static void awaitAnswer(URI url, ChildJvm server, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && server.alive()) {
      try {
        HttpURLConnection c = (HttpURLConnection) url.resolve("/events").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
          out.write("{}".getBytes(StandardCharsets.US_ASCII));
        }
        if (c.getResponseCode() == 201) {
          c.getInputStream().readAllBytes();
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the HTTP floor server did not answer within 30 s: " + ChildJvm.logTail(log, 20));
  }
}
