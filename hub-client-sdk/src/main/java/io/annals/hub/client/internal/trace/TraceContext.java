package io.annals.hub.client.internal.trace;

import java.util.Map;

/**
 * The caller's W3C trace context ({@code traceparent}, and {@code tracestate} when it has one),
 * which {@code publish} records in {@code meta.extensions} so that a projection can continue the
 * trace. Read from OpenTelemetry when its API is on the classpath (an optional dependency); without
 * it, or outside a span, there is none and events are exactly as before. {@link OpenTelemetryTrace}
 * is the only class that names OpenTelemetry's types, and it is loaded only when they are there.
 */
public final class TraceContext {

  /** The class this guard looks for: OpenTelemetry's W3C propagator, in {@code opentelemetry-api}. */
  static final String PROPAGATOR = "io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator";

  private static final boolean OPEN_TELEMETRY = present(PROPAGATOR);

  private TraceContext() {}

  /** The current trace context as extension name to value; empty without OpenTelemetry or outside a span. */
  public static Map<String, String> current() {
    return OPEN_TELEMETRY ? OpenTelemetryTrace.current() : Map.of();
  }

  /** True when OpenTelemetry's API is there for the SDK to use. */
  public static boolean openTelemetryPresent() {
    return OPEN_TELEMETRY;
  }

  static boolean present(String className) {
    try {
      Class.forName(className, false, TraceContext.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      // Absent, or present but not readable from this module: either way the SDK goes without.
      return false;
    }
  }
}
