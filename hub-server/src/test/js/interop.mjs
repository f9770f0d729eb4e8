// Issue 23, "Must show" 1 for the official CloudEvents JavaScript SDK (npm `cloudevents`):
// events as real producers send them go to a real hub in every mode the SDK writes (binary,
// structured, and batch: a JSON array of the SDK's own JSON form), are sent again (a duplicate),
// and are read back from GET /events/{id}, GET /events?service= and GET /feed with the SDK's own
// parser (HTTP.toEvent), each equal to what was sent. Run by CloudEventsJavaScriptSdkInteropTest:
//   node interop.mjs http://127.0.0.1:PORT
// Prints one "ok ..." line per mode; any difference is printed and exits 1.
import { CloudEvent, HTTP } from "cloudevents";

const hub = process.argv[2];
if (!hub) {
  console.error("usage: node interop.mjs <hub url>");
  process.exit(2);
}
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const STRUCTURED = "application/cloudevents+json";
const BATCH = "application/cloudevents-batch+json";

// The JS SDK always stamps `time` (its constructor defaults it to now), so "no time" cannot be
// sent through it; every other shape can.
function producerEvents(tag) {
  return [
    // The spec example's shape: an id that is not a UUID, no subject, XML as a string.
    new CloudEvent({ id: `A234-1234-1234-${tag}`, source: "https://github.com/cloudevents/spec/pull",
      type: "com.github.pull_request.opened", datacontenttype: "text/xml", data: '<much wow="xml"/>' }),
    // A counter as id, trace context, JSON data with an exact decimal in a string.
    new CloudEvent({ id: `1-${tag}`, source: "/orders", type: "order.placed", traceparent: TRACEPARENT,
      tracestate: "congo=t61rcWkgMzE", partitionkey: "order-7", datacontenttype: "application/json",
      data: { amount: "3.0000", n: 3 } }),
    // Bytes that are neither text nor JSON, with a dataschema.
    new CloudEvent({ id: `blob-${tag}`, source: "urn:sensor:7", type: "reading", subject: "sensor/7",
      dataschema: "https://example.com/schemas/reading.proto", datacontenttype: "application/protobuf",
      data: Buffer.from([0x0a, 0x03, 0x61, 0x62, 0x63, 0x10, 0x96, 0x01, 0xff, 0x00]) }),
    // Plain text with a traceparent.
    new CloudEvent({ id: `note-${tag}`, source: "/notes", type: "note.written", traceparent: TRACEPARENT,
      datacontenttype: "text/plain", data: "three euros, exactly" }),
  ];
}

let failures = 0;
function fail(message) {
  console.log(`FAIL ${message}`);
  failures++;
}

/** The event as the SDK serializes it, without the hub's own extension `receivedat`. */
function comparable(event) {
  const plain = JSON.parse(JSON.stringify(event));
  delete plain.receivedat;
  return plain;
}

function sameEvent(read, sent, where) {
  const a = JSON.stringify(sortKeys(comparable(read)));
  const b = JSON.stringify(sortKeys(comparable(sent)));
  if (a !== b) {
    fail(`${where}: ${sent.id}\n  sent ${b}\n  read ${a}`);
  }
  if (read.receivedat === undefined) {
    fail(`${where}: ${sent.id} has no receivedat`);
  }
}

function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : 1)));
}

async function post(message) {
  const body = typeof message.body === "string" || message.body === undefined ? message.body : Buffer.from(message.body);
  const answer = await fetch(`${hub}/events`, { method: "POST", headers: message.headers, body });
  return { status: answer.status, text: await answer.text() };
}

async function get(path, accept) {
  const answer = await fetch(`${hub}${path}`, { headers: { Accept: accept } });
  const headers = Object.fromEntries(answer.headers.entries());
  const body = await answer.text();
  if (answer.status !== 200) {
    fail(`GET ${path}: ${answer.status} ${body}`);
    return null;
  }
  return HTTP.toEvent({ headers, body });
}

async function readBack(sent, ids, mode) {
  for (let i = 0; i < sent.length; i++) {
    const single = await get(`/events/${ids[i]}`, STRUCTURED);
    if (single) sameEvent(single, sent[i], `${mode} GET /events/{id}`);
    const listed = await get(`/events?service=${encodeURIComponent(sent[i].source)}`, BATCH);
    const match = (listed || []).find((e) => e.id === sent[i].id);
    if (match) sameEvent(match, sent[i], `${mode} GET /events?service=`);
    else fail(`${mode}: ${sent[i].id} not listed`);
  }
  // The feed shows an event once its received_at is below the stable point: ask until it does.
  for (let attempt = 0; attempt < 100; attempt++) {
    const feed = (await get("/feed?limit=1000", BATCH)) || [];
    if (sent.every((s) => feed.some((e) => e.id === s.id))) {
      for (const s of sent) sameEvent(feed.find((e) => e.id === s.id), s, `${mode} GET /feed`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  fail(`${mode}: the feed never showed all events`);
}

async function singleMode(mode, write) {
  const sent = producerEvents(mode);
  const ids = [];
  for (const event of sent) {
    const first = await post(write(event));
    if (first.status !== 201) fail(`${mode} ${event.id}: ${first.status} ${first.text}`);
    ids.push(first.status === 201 ? JSON.parse(first.text).id : "none");
    const again = await post(write(event));
    if (again.status !== 200) fail(`${mode} ${event.id} sent again: ${again.status} ${again.text}`);
  }
  await readBack(sent, ids, mode);
  console.log(`ok ${mode}: ${sent.length} events created, duplicates on re-send, equal when read back`);
}

async function batchMode() {
  const sent = producerEvents("batch");
  const message = { headers: { "content-type": BATCH }, body: JSON.stringify(sent) };
  const first = await post(message);
  const again = await post(message);
  const results = first.status === 200 ? JSON.parse(first.text).results : [];
  if (results.length !== sent.length || results.some((r) => r.outcome !== "created")) fail(`batch: ${first.status} ${first.text}`);
  const repeated = again.status === 200 ? JSON.parse(again.text).results : [];
  if (repeated.length !== sent.length || repeated.some((r) => r.outcome !== "duplicate")) fail(`batch again: ${again.status} ${again.text}`);
  await readBack(sent, results.map((r) => r.id), "batch");
  console.log(`ok batch: ${sent.length} events created, duplicates on re-send, equal when read back`);
}

await singleMode("binary", (e) => HTTP.binary(e));
await singleMode("structured", (e) => HTTP.structured(e));
await batchMode();
if (failures > 0) {
  console.log(`${failures} failure(s)`);
  process.exit(1);
}
console.log("all modes ok");
