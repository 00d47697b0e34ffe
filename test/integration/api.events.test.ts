// Event ingest: which webhooks an event reaches (type, "*", app binding, active flag), the ingest
// answer, and the requests a real receiver then gets. An inactive webhook is not attempted, but
// the event is recorded for it as `buffered`, for a replay on activation.
import type { Herald, TestWorkspace } from '../support/client';
import { startHerald, type HeraldStack } from '../support/stack';
import { eventually } from '../support/eventually';
import { startReceiver, type Receiver } from '../support/receiver';

jest.setTimeout(120_000);

let stack: HeraldStack;
let herald: Herald;
let receiver: Receiver;
let ws: TestWorkspace;
/** Webhook name → id; each webhook delivers to the receiver path /hooks/<name>. */
const ids: Record<string, string> = {};
const nameOf = (webhookId: string) => Object.keys(ids).find((name) => ids[name] === webhookId);

beforeAll(async () => {
  [stack, receiver] = await Promise.all([startHerald(), startReceiver()]);
  herald = stack.herald;
  ws = await herald.workspace(['order.created', 'order.paid', 'user.signup']);
  const specs: Record<string, Record<string, unknown>> = {
    shop: { app: 'shop', events: ['order.created'] },
    any: { events: ['order.created'] },
    all: { events: ['*'] },
    off: { events: ['*'], active: false },
    paid: { events: ['order.paid'] },
  };
  for (const [name, fields] of Object.entries(specs)) {
    ids[name] = await herald.webhooks.add(ws, { name, url: `${receiver.url}/${name}`, ...fields });
  }
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

/** Ingests an event and returns the names of the webhooks it was routed to, with each delivery's first status. */
async function routedTo(event: { type: string; app?: string; id?: string }): Promise<string[]> {
  const { deliveries } = await herald.events.send(ws, { data: { n: 1 }, ...event });
  return deliveries.map((delivery) => `${nameOf(delivery.webhookId) ?? delivery.webhookId}:${delivery.status}`).sort();
}

/** Polls the receiver until `count` requests match; the matching requests. */
async function received(count: number, match: (path: string, body: { id: string }) => boolean) {
  const matching = () => receiver.requests.filter((request) => match(request.path, JSON.parse(request.body)));
  await eventually(
    () => {
      if (matching().length >= count) return true;
      throw new Error(`${matching().length} of ${count} matching requests received`);
    },
    { timeoutMs: 60_000, what: `${count} matching requests at the receiver` },
  );
  return matching();
}

describe('ingesting events', () => {
  it('answers 202 with a generated evt_ id and one pending delivery per matching webhook', async () => {
    const response = await herald.events.post(ws, { type: 'order.paid', data: { total: 5 } });
    expect(response.status).toBe(202);
    const eventId = response.body.data.eventId;
    expect(eventId).toMatch(/^evt_[0-9a-z]+$/);
    const deliveries = [
      ['all', 'pending'],
      ['off', 'buffered'],
      ['paid', 'pending'],
    ].map(([name, status]) => ({ id: `delivery/${ws.id}/${eventId}/${ids[name]}`, webhookId: ids[name], status }));
    expect(response.body).toEqual({ data: { eventId, deliveries: expect.arrayContaining(deliveries) }, error: null });
    expect(response.body.data.deliveries).toHaveLength(3);

    const another = await herald.events.post(ws, { type: 'order.paid', data: { total: 6 } });
    expect(another.body.data.eventId).not.toBe(eventId);
  });

  it("keeps the caller's id", async () => {
    const { eventId, deliveries } = await herald.events.send(ws, { id: 'order-42:paid', type: 'order.paid', data: {} });
    expect(eventId).toBe('order-42:paid');
    expect(deliveries.map((delivery) => delivery.id)).toContain(`delivery/${ws.id}/order-42:paid/${ids.paid}`);
  });

  it.each([
    [{ type: 'order.created', app: 'shop' }, ['all:pending', 'any:pending', 'off:buffered', 'shop:pending']],
    [{ type: 'order.created', app: 'crm' }, ['all:pending', 'any:pending', 'off:buffered']],
    [{ type: 'order.created' }, ['all:pending', 'any:pending', 'off:buffered']],
    [{ type: 'user.signup', app: 'shop' }, ['all:pending', 'off:buffered']],
    [{ type: 'not.in.catalog' }, ['all:pending', 'off:buffered']],
  ])('routes %j to %j: app-bound webhooks hear only their app, "*" hears every type, the inactive one buffers', async (event, expected) => {
    expect(await routedTo(event)).toEqual(expected);
  });

  it('an event no webhook wants is accepted with no deliveries', async () => {
    const quiet = await herald.workspace(['order.created']);
    await herald.webhooks.add(quiet, { url: `${receiver.url}/quiet`, events: ['order.created'], app: 'shop' });
    const { deliveries } = await herald.events.send(quiet, { type: 'order.created', app: 'crm', data: {} });
    expect(deliveries).toEqual([]);
  });

  it('the receiver gets exactly the routed requests, and the inactive webhook none', async () => {
    const routed = await routedTo({ id: 'evt-routing-check', type: 'order.created', app: 'shop' });
    expect(routed).toEqual(['all:pending', 'any:pending', 'off:buffered', 'shop:pending']);
    const requests = await received(3, (_path, body) => body.id === 'evt-routing-check');
    expect(requests.map((request) => request.path).sort()).toEqual(['/hooks/all', '/hooks/any', '/hooks/shop']);
    for (const request of requests) {
      expect(request.headers['webhook-event-type']).toBe('order.created');
      expect(request.headers['webhook-id']).toBe(`delivery/${ws.id}/evt-routing-check/${ids[request.path.slice('/hooks/'.length)]}`);
    }
    // Every event so far (9 of them) reached the "*" webhook; none ever reached the inactive one.
    const toAll = await received(9, (path) => path === '/hooks/all');
    expect(new Set(toAll.map((request) => JSON.parse(request.body).id)).size).toBe(9);
    expect(receiver.requests.filter((request) => request.path === '/hooks/off')).toEqual([]);
  });

  it('a webhook switched inactive by PATCH buffers; switched back on it gets the buffered event, then new ones', async () => {
    const off = await herald.webhooks.update(ws, ids.paid, { active: false });
    expect(off.body.data).toMatchObject({ active: false, deactivationReason: 'deactivated by update' });
    expect(await routedTo({ id: 'evt-while-paused', type: 'order.paid' })).toEqual(['all:pending', 'off:buffered', 'paid:buffered']);
    const on = await herald.webhooks.update(ws, ids.paid, { active: true });
    expect(on.body.data.active).toBe(true);
    expect(await routedTo({ id: 'evt-after-resume', type: 'order.paid' })).toEqual(expect.arrayContaining(['all:pending', 'off:buffered']));
    const [first, second] = await received(2, (path, body) => path === '/hooks/paid' && body.id.startsWith('evt-'));
    expect([first, second].map((request) => JSON.parse(request.body).id)).toEqual(['evt-while-paused', 'evt-after-resume']);
  });
});
