// Operations endpoints: liveness, readiness, Prometheus metrics of API and worker, rate limits.
import type { Herald } from '../support/client';
import { startHerald, ADMIN_KEY, type HeraldStack } from '../support/stack';
import { startReceiver, type Receiver } from '../support/receiver';

let stack: HeraldStack;
let herald: Herald;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startHerald({ rateLimitPerMinute: 40 });
  herald = stack.herald;
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const get = (path: string) => fetch(`${stack.baseUrl}${path}`);

it('answers /healthz and /readyz when MongoDB and Temporal are reachable', async () => {
  const health = await get('/healthz');
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ data: { status: 'ok' }, error: null });
  const ready = await get('/readyz');
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ data: { mongodb: true, temporal: true }, error: null });
});

it('exposes ingest and delivery counts on the API, attempts and durations on the worker', async () => {
  const ws = await herald.workspace(['order.status']);
  const hook = await herald.request('POST', `/workspaces/${ws.id}/webhooks`, { name: 'm', url: receiver.url, events: ['order.status'] }, ws.key);
  const ingest = await herald.request('POST', `/workspaces/${ws.id}/events`, { type: 'order.status', data: {} }, ws.key);
  expect(hook.status).toBe(201);
  await herald.deliveries.waitFor(ws, ingest.body.data.deliveries[0].id, ['succeeded']);

  const response = await get('/metrics');
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  expect(text).toMatch(/^herald_events_ingested_total 1$/m);

  const worker = await stack.workerMetrics.registry.metrics();
  expect(worker).toMatch(/^herald_attempts_total\{outcome="succeeded"\} 1$/m);
  expect(worker).toMatch(/^herald_attempt_duration_seconds_count 1$/m);
  expect(worker).toMatch(/^herald_deliveries_ended_total\{status="succeeded"\} 1$/m);

  // A repeated event id is one event, counted once.
  for (let i = 0; i < 2; i++) await herald.request('POST', `/workspaces/${ws.id}/events`, { id: 'evt-metric', type: 'order.status', data: {} }, ws.key);
  expect(await (await get('/metrics')).text()).toMatch(/^herald_events_ingested_total 2$/m);
});

it('limits requests per API key and answers 429 in the error envelope', async () => {
  const ws = await herald.workspace();
  const statuses: number[] = [];
  for (let i = 0; i < 45; i++) statuses.push((await herald.webhooks.list(ws)).status);
  expect(statuses).toContain(429);
  const limited = await herald.webhooks.list(ws);
  expect(limited.status).toBe(429);
  expect(limited.body).toEqual({ data: null, error: { code: 'rate_limited', message: expect.any(String) } });
  // Another key has its own budget.
  expect((await herald.request('GET', `/workspaces/${ws.id}/webhooks`, undefined, ADMIN_KEY)).status).toBe(200);
});
