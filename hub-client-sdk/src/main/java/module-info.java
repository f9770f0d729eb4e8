/**
 * The Annals client SDK. Only {@code io.annals.hub.client} is exported: {@link
 * io.annals.hub.client.AnnalsClient} for producers, {@link io.annals.hub.client.FeedReader} for
 * projections, and their values. The {@code internal} packages (spool, delivery) are the
 * implementation and may change in any release. On the classpath, where the module system does
 * not look, they stay out of reach by convention only (docs/decisions.md, "SDK surface").
 */
module io.annals.hub.client {
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires io.annals.hub.wire;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.retry;
  requires java.net.http;
  requires org.slf4j;
  // Optional: the SDK registers metrics only when the application gives it a MeterRegistry.
  requires static micrometer.core;
  // Optional: with OpenTelemetry's API present, publish records the current W3C trace context.
  requires static io.opentelemetry.api;
  requires static io.opentelemetry.context;

  exports io.annals.hub.client;
}
