// Drives the typescript-fetch client generated from the hub's OpenAPI document (compiled with tsc,
// run with Node): the same steps as the Java clients. Prints one line per step; exits 1 on the
// first wrong answer.
import { Configuration, EventsApi, QueryApi, FeedApi, Event } from './index';
// Node 20's globals, declared here so that no @types/node is needed.
declare const process: { argv: string[]; exit(code: number): never };
const randomUUID = (): string => crypto.randomUUID();

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

function check(ok: boolean, what: string): void {
  if (!ok) {
    throw new Error(what);
  }
}

function event(id: string, type: string): Event {
  return {
    id,
    meta: { service: 'billing', type, aggregateId: 'payment/23', createdAt: new Date('2026-01-01T12:00:00.123Z') },
    payload: { amount: '3.0000/EUR' },
  } as Event;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(baseUrl: string): Promise<void> {
  const config = new Configuration({ basePath: baseUrl });
  const events = new EventsApi(config);
  const query = new QueryApi(config);
  const feed = new FeedApi(config);
  const type = 'generated-typescript-' + randomUUID();

  const one = randomUUID();
  const stored = await events.publishEvent({ event: event(one, type) });
  check(stored.id === one, 'publishEvent answered id ' + stored.id);
  check(TIME.test(String(stored.meta.receivedAt)), 'received_at keeps microseconds: ' + stored.meta.receivedAt);
  console.log('publish one: ' + stored.id + ' received_at ' + stored.meta.receivedAt);

  const two = randomUUID();
  const three = randomUUID();
  const batch = await events.publishBatch({ event: [event(two, type), event(three, type)] });
  check(batch.results.length === 2 && batch.results.every((r) => String(r.outcome) === 'created'),
    'batch results: ' + JSON.stringify(batch));
  console.log('publish batch: 2 created');

  const read = await query.getEvent({ id: one });
  check(read.id === one && read.meta.type === type, 'getEvent: ' + JSON.stringify(read));
  check(JSON.stringify(read.payload).includes('3.0000/EUR'), 'payload: ' + JSON.stringify(read.payload));
  console.log('read event: ' + read.id);

  const listed = new Set<string>();
  const first = await query.queryEvents({ type, limit: 2 });
  check(first.events.length === 2 && first.next != null, 'first page: ' + JSON.stringify(first));
  first.events.forEach((e) => listed.add(e.id));
  const second = await query.queryEvents({ type, limit: 2, cursor: first.next as string });
  check(second.events.length === 1 && second.next == null, 'second page: ' + JSON.stringify(second));
  second.events.forEach((e) => listed.add(e.id));
  check([one, two, three].every((id) => listed.has(id)) && listed.size === 3, 'listed ' + [...listed]);
  console.log('list with filter type=' + type + ', followed the cursor: ' + listed.size + ' events');

  let page = await feed.readFeed({ types: type, limit: 2 });
  for (let i = 0; i < 300 && page.events.length < 2; i++) {
    await sleep(100);
    page = await feed.readFeed({ types: type, limit: 2 });
  }
  check(page.events.length === 2 && !!page.next, 'first feed page: ' + JSON.stringify(page));
  check(TIME.test(String(page.stableUntil)), 'stable_until: ' + page.stableUntil);
  const fed = new Set<string>(page.events.map((e) => e.id));
  let next = await feed.readFeed({ types: type, after: page.next, limit: 2 });
  for (let i = 0; i < 300 && next.events.length === 0; i++) {
    await sleep(100);
    next = await feed.readFeed({ types: type, after: page.next, limit: 2 });
  }
  next.events.forEach((e) => fed.add(e.id));
  check(fed.size === 3 && [...fed].every((id) => listed.has(id)), 'feed gave ' + [...fed]);
  console.log('feed read twice following next: ' + fed.size + ' events');
}

main(process.argv[2]).catch((e) => {
  console.error('typescript-fetch client failed: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
