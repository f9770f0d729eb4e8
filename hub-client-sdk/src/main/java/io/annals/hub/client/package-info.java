/**
 * Publishing events to an Annals hub, and reading its feed.
 *
 * <p><b>Producers</b> build one {@link io.annals.hub.client.AnnalsClient} per process and spool
 * directory, and publish through it:
 *
 * <pre>{@code
 * AnnalsClient client = AnnalsClient.builder()
 *     .hubUrl("http://hub:8080")
 *     .apiKey(System.getenv("ANNALS_API_KEY"))
 *     .service("billing")
 *     .spoolDirectory(Path.of("/var/lib/billing/annals-spool"))
 *     .build();
 * String id = client.publish(Events.of("payment-completed", "payment/23")
 *     .payload(Map.of("amount", "3.0000/EUR")));
 * }</pre>
 *
 * <p>{@link io.annals.hub.client.AnnalsClient#publish(EventBuilder) publish} returns once the event
 * is synced to the local spool, so it survives a crash of the process, and never waits for the
 * hub: a background sender delivers in batches, retries with backoff for as long as the event's
 * maximum age, and ends each event's delivery as {@link io.annals.hub.client.Outcome#CREATED
 * created} or {@link io.annals.hub.client.Outcome#DUPLICATE duplicate}, or in the dead-letter
 * file with the {@link io.annals.hub.client.DeliveryListener} told. Ids are UUIDv7 unless the
 * producer keeps its own ({@link io.annals.hub.client.EventBuilder#id(String)}): publishing the
 * same id again is idempotent. {@link io.annals.hub.client.AnnalsClient#publishAll publishAll}
 * spools a burst with one sync; {@link io.annals.hub.client.AnnalsClient#send(EventBuilder) send}
 * delivers at once and returns the hub's verdict. Close the client on shutdown; what it did not
 * deliver stays in the spool for the next client on the same directory.
 *
 * <p><b>Readers</b> page through the hub's feed with {@link io.annals.hub.client.FeedReader}: each
 * {@link io.annals.hub.client.FeedPage} carries the cursor of the next, and no event can later
 * appear before a cursor handed out.
 *
 * <p>Only this package is API; {@code io.annals.hub.client.internal.*} is not exported by the
 * module and may change in any release.
 */
package io.annals.hub.client;
