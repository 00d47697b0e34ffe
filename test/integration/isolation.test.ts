// Isolation on the real stack: a webhook whose receiver hangs past its timeout, with a backlog,
// holds at most HERALD_MAX_IN_FLIGHT_PER_WEBHOOK attempts of the worker at once; its other
// attempts are deferred (not sent, not recorded) and a healthy webhook's events go through
// meanwhile. Nothing here measures speed (bench/ does): only who got what, and how many at once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../support/eventually';
import { startReceiver, type Receiver } from '../support/receiver';
import type { Herald } from '../support/client';
import { startHerald, type HeraldStack } from '../support/stack';

const CAP = 3;
const STUCK_EVENTS = 60;
const HEALTHY_EVENTS = 20;

/** A receiver that takes every request and never answers; it counts how many are open at once. */
interface HangingReceiver {
  url: string;
  received: number;
  open: number;
  maxOpen: number;
  close(): Promise<void>;
}

async function startHangingReceiver(): Promise<HangingReceiver> {
  const server = http.createServer((req, res) => {
    receiver.received++;
    receiver.open++;
    receiver.maxOpen = Math.max(receiver.maxOpen, receiver.open);
    // Closed when Herald gives up on it (its timeout) or the server shuts down.
    res.once('close', () => receiver.open--);
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: HangingReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received: 0,
    open: 0,
    maxOpen: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

let stack: HeraldStack;
let herald: Herald;
let hanging: HangingReceiver;
let healthy: Receiver;

beforeAll(async () => {
  [stack, hanging, healthy] = await Promise.all([startHerald({ maxInFlightPerWebhook: CAP }), startHangingReceiver(), startReceiver()]);
  herald = stack.herald;
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([hanging?.close(), healthy?.close()]);
});

describe('a webhook whose receiver hangs', () => {
  it(`holds at most ${CAP} attempts at once, and a healthy webhook gets all its events while its own wait`, async () => {
    const ws = await herald.workspace(['order.stuck', 'order.paid']);
    // Fixed, every second: the stuck deliveries keep asking for a place all through the test.
    await herald.webhooks.add(ws, { url: hanging.url, events: ['order.stuck'], timeoutMs: 1000, retryPolicy: { preset: 'fixed', intervalSeconds: 1 } });
    await herald.webhooks.add(ws, { url: healthy.url, events: ['order.paid'] });

    const stuck = await Promise.all(Array.from({ length: STUCK_EVENTS }, (_, i) => herald.events.send(ws, { type: 'order.stuck', data: { n: i } })));
    const paid = await Promise.all(Array.from({ length: HEALTHY_EVENTS }, (_, i) => herald.events.send(ws, { type: 'order.paid', data: { n: i } })));
    const stuckIds = stuck.map((event) => event.deliveries[0].id);
    const paidIds = paid.map((event) => event.deliveries[0].id);

    // Every healthy event arrives, once each, and its delivery is recorded as succeeded.
    await healthy.waitFor(HEALTHY_EVENTS);
    for (const id of paidIds) await herald.deliveries.waitFor(ws, id, ['succeeded']);
    expect(new Set(healthy.requests.map((request) => request.headers['webhook-id']))).toEqual(new Set(paidIds));

    // Meanwhile the stuck webhook's places are taken and given back, attempt after attempt.
    await eventually(() => hanging.received >= 3 * CAP, { what: `${3 * CAP} requests at the hanging receiver` });
    const records = await Promise.all(stuckIds.map((id) => stack.store.deliveries.get(ws.id, id)));
    expect(records.filter((record) => record?.status === 'pending').length).toBeGreaterThan(0);
    // Only attempts that were sent are recorded (deferred ones are not); the open ones are not recorded yet.
    const recorded = records.reduce((sum, record) => sum + (record?.attempts.length ?? 0), 0);
    const receivedBefore = hanging.received;
    expect(recorded).toBeLessThanOrEqual(receivedBefore);
    expect(recorded).toBeGreaterThan(0);
    for (const record of records) for (const attempt of record?.attempts ?? []) expect(attempt.error?.kind).toBe('timeout');

    // The cap was reached, and never passed. A place is free again as soon as Herald gives up on a
    // request; the receiver sees that request's socket close a moment later, so a next request
    // may reach it just before: it can count one more open than Herald holds, never more.
    expect(hanging.maxOpen).toBeGreaterThanOrEqual(CAP);
    expect(hanging.maxOpen).toBeLessThanOrEqual(CAP + 1);
  });
});
