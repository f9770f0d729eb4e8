package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.testsupport.FakeHub;
import io.annals.testsupport.HubProcess;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: {@code publish} records the current W3C trace context in {@code meta.extensions} when
 * OpenTelemetry's API is on the classpath, the feed gives it back so that a projection continues
 * the trace, and without OpenTelemetry (a child JVM whose classpath lacks it) nothing changes.
 */
class TraceContextTest {

  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String SPAN_ID = "b7ad6b7169203331";

  @TempDir Path dir;

  @Test
  void publish_in_a_span_records_traceparent_and_the_feed_gives_it_back_for_a_projection_to_continue() throws Exception {
    try (HubProcess hub = HubProcess.startIn(dir);
        AnnalsClient client = AnnalsClient.builder().hubUrl(hub.url()).service("billing")
            .spoolDirectory(dir.resolve("spool")).build()) {
      Span producerSpan = Span.wrap(SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(),
          TraceState.builder().put("congo", "t61rcWkgMzE").build()));
      String traced;
      try (Scope ignored = producerSpan.makeCurrent()) {
        traced = client.publish(Events.of("payment-completed", "payment/23").payload(Map.of("amount", "3.00/EUR")));
      }
      String untraced = client.publish(Events.of("payment-completed", "payment/24").payload(Map.of()));
      assertThat(client.flush(Duration.ofSeconds(30))).isTrue();

      List<ReceivedEvent> feed = readAll(FeedReader.of(hub.url(), null), 2);

      ReceivedEvent withTrace = feed.stream().filter(e -> e.id().equals(traced)).findFirst().orElseThrow();
      assertThat(withTrace.extensions()).containsExactlyInAnyOrderEntriesOf(Map.of(
          "traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-01", "tracestate", "congo=t61rcWkgMzE"));
      Context continued = W3CTraceContextPropagator.getInstance().extract(Context.root(), withTrace.extensions(), MAP);
      assertThat(Span.fromContext(continued).getSpanContext().getTraceId()).isEqualTo(TRACE_ID);
      assertThat(Span.fromContext(continued).getSpanContext().getSpanId()).isEqualTo(SPAN_ID);
      ReceivedEvent withoutTrace = feed.stream().filter(e -> e.id().equals(untraced)).findFirst().orElseThrow();
      assertThat(withoutTrace.extensions()).isEmpty();
    }
  }

  @Test
  void an_extension_set_on_the_builder_wins_over_the_current_trace() throws Exception {
    try (FakeHub hub = new FakeHub();
        AnnalsClient client = AnnalsClient.builder().hubUrl(hub.url()).service("billing")
            .spoolDirectory(dir.resolve("spool")).build()) {
      String id;
      try (Scope ignored = Span.wrap(SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault()))
          .makeCurrent()) {
        id = client.publish(Events.of("payment-completed", "payment/23").payload(Map.of())
            .extension("traceparent", "00-11111111111111111111111111111111-2222222222222222-00")
            .extension("partitionkey", "p-1"));
      }
      assertThat(client.flush(Duration.ofSeconds(30))).isTrue();

      JsonNode stored = hub.stored().get(id);
      assertThat(stored.at("/meta/extensions/traceparent").asText())
          .isEqualTo("00-11111111111111111111111111111111-2222222222222222-00");
      assertThat(stored.at("/meta/extensions/partitionkey").asText()).isEqualTo("p-1");
      assertThat(stored.at("/meta/extensions").has("tracestate")).isFalse();
    }
  }

  @Test
  void a_producer_without_opentelemetry_on_its_classpath_publishes_events_without_extensions() throws Exception {
    try (FakeHub hub = new FakeHub()) {
      assertThat(ProducerProcess.runPlainWithout("opentelemetry", "io.opentelemetry.context.Context", hub.url(), dir))
          .isZero();
      assertThat(hub.stored()).hasSize(3);
      assertThat(hub.stored().values()).allSatisfy(e -> assertThat(e.get("meta").has("extensions")).isFalse());
    }
  }

  static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  static List<ReceivedEvent> readAll(FeedReader reader, int expected) throws InterruptedException {
    for (int attempt = 0; attempt < 200; attempt++) {
      List<ReceivedEvent> events = reader.read(null, List.of(), 100).events();
      if (events.size() >= expected) {
        return events;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the feed never showed " + expected + " events");
  }
}
