package io.annals.hub.client.internal.trace;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.TreeMap;

/**
 * The current OpenTelemetry context in W3C Trace Context form, written by OpenTelemetry's own
 * propagator (no hand-formatted header): {@code traceparent} when a valid span is current,
 * {@code tracestate} when it is not empty. Loaded only through {@link TraceContext}'s guard.
 */
final class OpenTelemetryTrace {

  private OpenTelemetryTrace() {}

  static Map<String, String> current() {
    Map<String, String> carrier = new TreeMap<>();
    W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, (map, key, value) -> map.put(key, value));
    return carrier;
  }
}
