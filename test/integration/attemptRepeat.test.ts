// An attempt made again by a workflow task run a second time (the first timed out after its local
// activity had sent the request, so the result never reached the history): with checkRecorded the
// attempt activity finds the attempt in the delivery's record and answers with it, and the
// receiver gets nothing more. The workflow's side (which task asks for the check) is in
// test/workflows/event.test.ts.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import type { AttemptInput, AttemptOutcome } from '../../workflows/contracts/delivery';
import type { TestWorkspace } from '../support/client';
import { eventually } from '../support/eventually';
import { startReceiver, type Receiver } from '../support/receiver';
import { startHerald, type HeraldStack } from '../support/stack';

let stack: HeraldStack;
let receiver: Receiver;
let ws: TestWorkspace;
let webhookId: string;

beforeAll(async () => {
  stack = await startHerald();
  receiver = await startReceiver();
  ws = await stack.herald.workspace(['order.paid']);
  // No retries: a failed first attempt ends the delivery, so nothing but this test sends again.
  const created = await stack.herald.webhooks.create(ws, {
    name: 'Orders',
    url: receiver.url,
    events: ['order.paid'],
    retryPolicy: { preset: 'fixed', maxRetries: 0 },
  });
  expect(created.status).toBe(201);
  webhookId = created.data.id;
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

/** Posts an event, waits until its one delivery reached `status`, and gives the attempt input of that delivery. */
async function deliveredEvent(eventId: string, status: string): Promise<AttemptInput> {
  const ingest = await stack.herald.events.post(ws, JSON.stringify({ id: eventId, type: 'order.paid', data: {} }));
  expect(ingest.status).toBe(202);
  const deliveryId = `delivery/${ws.id}/${eventId}/${webhookId}`;
  await eventually(async () => {
    const delivery = await stack.store.deliveries.getById(deliveryId);
    if (delivery?.status !== status) throw new Error(`delivery is ${delivery?.status}`);
    return true;
  });
  return {
    deliveryId,
    workspaceId: ws.id,
    webhookId,
    eventId,
    attemptNumber: 1,
    timeoutMs: 5_000,
    lane: 'priority',
    onFailure: { status: 'failed', lane: 'priority', nextAttemptAt: null },
  };
}

function deliverAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const activities = createActivities({ store: stack.store, allowPrivateNetworks: true });
  return new MockActivityEnvironment().run((attempt: AttemptInput) => activities.deliverAttempt(attempt), input);
}

const requestsFor = (eventId: string) => receiver.requests.filter((request) => request.body.includes(`"${eventId}"`)).length;

describe('an attempt made again by a repeated workflow task', () => {
  it('answers a recorded success from the record, without a second request', async () => {
    receiver.script([], { status: 200, body: 'ok' });
    const input = await deliveredEvent('evt-repeat-ok', 'succeeded');
    expect(requestsFor('evt-repeat-ok')).toBe(1);

    expect(await deliverAttempt({ ...input, checkRecorded: true })).toEqual({ outcome: 'succeeded', statusCode: 200 });
    expect(requestsFor('evt-repeat-ok')).toBe(1);
    const record = await stack.store.deliveries.getById(input.deliveryId);
    expect(record?.attempts.map((attempt) => attempt.n)).toEqual([1]);
  });

  it('answers a recorded failure from the record, with its status code and kind', async () => {
    receiver.script([], { status: 500, body: 'down' });
    const input = await deliveredEvent('evt-repeat-fail', 'failed');
    expect(requestsFor('evt-repeat-fail')).toBe(1);

    expect(await deliverAttempt({ ...input, checkRecorded: true })).toEqual({ outcome: 'failed', statusCode: 500, errorKind: 'status' });
    expect(requestsFor('evt-repeat-fail')).toBe(1);
  });

  it('sends an attempt the record does not hold yet, and one asked without the check', async () => {
    receiver.script([], { status: 200, body: 'ok' });
    const input = await deliveredEvent('evt-repeat-next', 'succeeded');

    // Attempt 2 was never made: the check finds nothing, and the request goes out. (The record has
    // ended already, so the attempt is kept and the status too: 'cancelled' says the latter.)
    expect(await deliverAttempt({ ...input, attemptNumber: 2, checkRecorded: true })).toEqual({ outcome: 'cancelled' });
    expect(requestsFor('evt-repeat-next')).toBe(2);
    // Without the check (a first task, where nothing can have run before) nothing is read first.
    expect(await deliverAttempt(input)).toEqual({ outcome: 'cancelled' });
    expect(requestsFor('evt-repeat-next')).toBe(3);
    const record = await stack.store.deliveries.getById(input.deliveryId);
    expect(record?.attempts.map((attempt) => attempt.n)).toEqual([1, 2, 1]);
  });
});
