// Nothing lost, nothing twice, on the real stack: an event stored while Temporal cannot be reached
// is answered 202 and started by the reconciler Schedule; a repeated event id is decided from
// Herald's records even after Temporal has forgotten the first run; a live run is never doubled;
// a buffered straggler on an active webhook is replayed; retention deletes exactly what its rules
// name. The Schedules run on their workers' task queue and are triggered here rather than waited for.
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import type { ReconcileResult, RetentionResult } from '../../workflows/contracts/maintenance';
import { scheduleIds } from '../../src/temporal/schedules';
import { eventWorkflowId } from '../../src/core/ids';
import type { TemporalDeps } from '../../src/temporal/client';
import { eventually } from '../support/eventually';
import { startReceiver, type Receiver } from '../support/receiver';
import type { Herald } from '../support/client';
import { deliveryPath, serveApi, startHerald, type HeraldStack, type TestWorkspace } from '../support/stack';

const EVENT = 'order.paid';
let stack: HeraldStack;
let herald: Herald;
const receivers: Receiver[] = [];
const seenRuns = new Set<string>();

beforeAll(async () => {
  // Overdue by one second is enough for the reconciler to look; the Schedules fire only when triggered.
  stack = await startHerald({ reconcileGraceSeconds: 1, reconcileIntervalSeconds: 3600, retentionIntervalSeconds: 3600 });
  herald = stack.herald;
});

afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await stack.stop();
});

async function receiverAndWebhook(fields: Record<string, unknown> = {}): Promise<{ ws: TestWorkspace; receiver: Receiver; webhookId: string }> {
  const [ws, receiver] = await Promise.all([herald.workspace([EVENT]), startReceiver()]);
  receivers.push(receiver);
  const webhookId = await herald.webhooks.add(ws, { url: receiver.url, events: [EVENT], ...fields });
  return { ws, receiver, webhookId };
}

/** Triggers one of the stack's Schedules and waits for the run it started; that run's result. */
async function runSchedule<T>(which: 'reconciler' | 'retention'): Promise<T> {
  const handle = stack.temporal.client.schedule.getHandle(scheduleIds(stack.config.taskQueue)[which]);
  await handle.trigger();
  const run = await eventually(
    async () => {
      const latest = (await handle.describe()).info.recentActions.at(-1)?.action.workflow;
      return latest && !seenRuns.has(latest.firstExecutionRunId) ? latest : undefined;
    },
    { what: `the ${which} Schedule to start a run` },
  );
  seenRuns.add(run.firstExecutionRunId);
  return stack.temporal.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result() as Promise<T>;
}

async function workflowStatus(workflowId: string): Promise<string> {
  try {
    return (await stack.temporal.client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw error;
  }
}

describe('the maintenance Schedules', () => {
  it('are created by the worker, one reconciler and one retention Schedule per task queue, each running its workflow', async () => {
    const ids = scheduleIds(stack.config.taskQueue);
    for (const [scheduleId, workflowType] of [
      [ids.reconciler, 'reconcileWorkflow'],
      [ids.retention, 'retentionWorkflow'],
    ]) {
      const description = await stack.temporal.client.schedule.getHandle(scheduleId).describe();
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType, taskQueue: stack.config.taskQueue });
      expect(description.spec.intervals).toMatchObject([{ every: 3_600_000 }]);
      expect(description.policies.overlap).toBe('SKIP');
    }
  });
});

describe('durable ingest', () => {
  it('answers 202 when Temporal cannot be reached, and the reconciler delivers the stored event once', async () => {
    const { ws, receiver } = await receiverAndWebhook();
    // A second API on the same database whose Temporal is a closed port: every start fails at once.
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 200, interceptors: [] });
    const unreachable: TemporalDeps = { client: new Client({ connection }), taskQueue: stack.config.taskQueue, close: () => connection.close() };
    const served = await serveApi(stack.config, unreachable);
    try {
      const accepted = await served.herald.events.send(ws, { id: 'evt_while_down', type: EVENT, data: { n: 1 } });
      const [delivery] = accepted.deliveries;
      expect(delivery.status).toBe('pending');
      expect(await workflowStatus(eventWorkflowId(ws.id, 'evt_while_down'))).toBe('NOT_FOUND');

      await eventually(
        async () =>
          (await herald.request('GET', deliveryPath(ws.id, delivery.id), undefined, ws.key)).body.data.nextAttemptAt <
          new Date(Date.now() - 1000).toISOString(),
      );
      const reconciled = await runSchedule<ReconcileResult>('reconciler');
      expect(reconciled.started).toBeGreaterThanOrEqual(1);
      const done = await herald.deliveries.waitFor(ws, delivery.id, ['succeeded']);
      expect(done.attempts).toHaveLength(1);
      expect(receiver.requests).toHaveLength(1);

      // Posting the same id again, now that Temporal is back: its delivery has an attempt, so nothing starts.
      const again = await herald.events.send(ws, { id: 'evt_while_down', type: EVENT, data: { n: 1 } });
      expect(again.eventId).toBe('evt_while_down');
      expect(await workflowStatus(eventWorkflowId(ws.id, 'evt_while_down'))).toBe('NOT_FOUND');
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await served.app.close();
      await served.mongo.close();
      await unreachable.close().catch(() => undefined);
    }
  });

  it('delivers a repeated event id once, even after Temporal has deleted the first run', async () => {
    const { ws, receiver } = await receiverAndWebhook();
    const first = await herald.events.send(ws, { id: 'evt_repeat', type: EVENT });
    await herald.deliveries.waitFor(ws, first.deliveries[0].id, ['succeeded']);
    const workflowId = eventWorkflowId(ws.id, 'evt_repeat');
    await stack.temporal.client.workflow.getHandle(workflowId).result();
    // What namespace retention does to a closed run, done at once.
    await stack.temporal.client.workflowService.deleteWorkflowExecution({ namespace: stack.config.temporalNamespace, workflowExecution: { workflowId } });
    await eventually(async () => (await workflowStatus(workflowId)) === 'NOT_FOUND', { what: 'the first run to be deleted' });

    await herald.events.send(ws, { id: 'evt_repeat', type: EVENT });
    // Ingest starts the event's workflow within the request, so none having started is final.
    expect(await workflowStatus(workflowId)).toBe('NOT_FOUND');
    expect(await workflowStatus(first.deliveries[0].id)).toBe('NOT_FOUND');
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('the reconciler', () => {
  it('leaves alone an overdue delivery whose first attempt is still running', async () => {
    const { ws, receiver } = await receiverAndWebhook();
    receiver.script([{ status: 200, body: 'slow', delayMs: 4000 }]);
    const { deliveries } = await herald.events.send(ws, { type: EVENT });
    await receiver.waitFor(1);
    // Now the record is pending with its attempt due over a second ago: a candidate, with a live run.
    await eventually(
      async () =>
        (await herald.request('GET', deliveryPath(ws.id, deliveries[0].id), undefined, ws.key)).body.data.nextAttemptAt <
        new Date(Date.now() - 1000).toISOString(),
    );
    const reconciled = await runSchedule<ReconcileResult>('reconciler');
    expect(reconciled.examined).toBeGreaterThanOrEqual(1);
    expect(reconciled.started).toBe(0);
    await herald.deliveries.waitFor(ws, deliveries[0].id, ['succeeded']);
    expect(receiver.requests).toHaveLength(1);
  });

  it('has the health workflow replay a delivery left buffered on an active webhook', async () => {
    const { ws, receiver, webhookId } = await receiverAndWebhook();
    // An ingest that read the webhook as switched off just before its replay ended left this behind.
    await stack.store.events.insertOnce({
      workspaceId: ws.id,
      eventId: 'evt_straggler',
      type: EVENT,
      family: 'order',
      data: '{"late":true}',
      receivedAt: new Date(),
      deliveries: [{ id: `delivery/${ws.id}/evt_straggler/${webhookId}`, webhookId, status: 'buffered' }],
    });
    await stack.store.deliveries.createRecords(ws.id, 'evt_straggler', EVENT, [{ webhookId, preset: 'fixed', status: 'buffered' }]);
    const deliveryId = `delivery/${ws.id}/evt_straggler/${webhookId}`;
    await eventually(async () => {
      const record = await stack.store.deliveries.getById(deliveryId);
      return record !== null && record.updatedAt.getTime() < Date.now() - 1000;
    });

    const reconciled = await runSchedule<ReconcileResult>('reconciler');
    expect(reconciled.buffersReplayed).toBeGreaterThanOrEqual(1);
    await herald.deliveries.waitFor(ws, deliveryId, ['succeeded']);
    expect(receiver.requests.map((request) => request.body)).toEqual([expect.stringContaining('"late":true')]);
  });
});

describe('retention', () => {
  it('deletes what its rules name and keeps everything else, pending and buffered deliveries above all', async () => {
    const mongo = await MongoClient.connect(stack.config.mongodbUrl);
    try {
      const db = mongo.db();
      const ws = `ws_retention_${Date.now()}`;
      const day = 24 * 60 * 60 * 1000;
      const ago = (ms: number) => new Date(Date.now() - ms);
      const delivery = (id: string, status: string, preset: string, createdAgo: number, updatedAgo: number) => ({
        _id: `delivery/${ws}/${id}`,
        seq: id,
        workspaceId: ws,
        eventId: id,
        eventType: EVENT,
        webhookId: 'wh_gone',
        preset,
        status,
        lane: 'priority',
        attempts: [],
        createdAt: ago(createdAgo),
        updatedAt: ago(updatedAgo),
      });
      const deliveries = [
        delivery('fixed_failed_25h', 'failed', 'fixed', 25 * 60 * 60 * 1000, 20 * 60 * 60 * 1000), // gone: fixed, 24 h after the event
        delivery('fixed_expired_25h', 'expired', 'fixed', 25 * 60 * 60 * 1000, 60_000), // gone
        delivery('fixed_failed_23h', 'failed', 'fixed', 23 * 60 * 60 * 1000, 23 * 60 * 60 * 1000), // kept
        delivery('progressive_failed_25h', 'failed', 'progressive', 25 * 60 * 60 * 1000, 25 * 60 * 60 * 1000), // kept: only fixed goes at 24 h
        delivery('dropped_6d', 'dropped', 'fixed', 6 * day, 6 * day), // gone: past the 5-day buffer window
        delivery('discarded_4d', 'discarded', 'fixed', 4 * day, 4 * day), // kept
        delivery('succeeded_31d', 'succeeded', 'progressive', 31 * day, 31 * day), // gone
        delivery('cancelled_31d', 'cancelled', 'progressive', 31 * day, 31 * day), // gone
        delivery('succeeded_29d', 'succeeded', 'progressive', 29 * day, 29 * day), // kept
        delivery('pending_100d', 'pending', 'progressive', 100 * day, 100 * day), // kept: never a live delivery
        delivery('buffered_100d', 'buffered', 'fixed', 100 * day, 100 * day), // kept
      ];
      await db.collection('deliveries').insertMany(deliveries as never[]);
      const event = (id: string, receivedAgo: number, deliveryIds: string[]) => ({
        _id: `${ws}/${id}`,
        workspaceId: ws,
        eventId: id,
        type: EVENT,
        family: 'order',
        data: '{}',
        receivedAt: ago(receivedAgo),
        deliveries: deliveryIds.map((ref) => ({ id: `delivery/${ws}/${ref}`, webhookId: 'wh_gone', status: 'pending' })),
      });
      await db.collection('events').insertMany([
        event('old_orphan', 31 * day, ['succeeded_31d']), // gone with its delivery
        event('old_no_match', 40 * day, []), // gone
        event('old_live', 100 * day, ['pending_100d']), // kept: a delivery remains
        event('recent', 29 * day, ['succeeded_29d']), // kept
      ] as never[]);
      await db.collection('notifications').insertMany([
        { _id: `ntf_old_${ws}`, workspaceId: ws, type: 'webhook.deactivated', webhookId: 'wh_gone', message: 'old', createdAt: ago(31 * day) },
        { _id: `ntf_new_${ws}`, workspaceId: ws, type: 'webhook.deactivated', webhookId: 'wh_gone', message: 'new', createdAt: ago(day) },
      ] as never[]);
      const link = (id: string, expiredAgo: number) => ({
        _id: `pl_${id}_${ws}`,
        workspaceId: ws,
        hash: id,
        app: 'a',
        scopes: [],
        mintedBy: 'admin',
        expiresAt: ago(expiredAgo),
      });
      await db.collection('portalLinks').insertMany([
        link('expired', 1000), // gone: it opens nothing
        link('live', -60_000), // kept: it expires in a minute
      ] as never[]);

      const deleted = await runSchedule<RetentionResult>('retention');
      expect(deleted).toEqual({ 'fixed-failed': 2, held: 1, ended: 2, events: 2, notifications: 1, portalLinks: 1 });

      const left = async (collection: string, prefix: string) =>
        (await db.collection(collection).find({ workspaceId: ws }).toArray()).map((doc) => String(doc._id).replace(prefix, '')).sort();
      expect(await left('deliveries', `delivery/${ws}/`)).toEqual(
        ['buffered_100d', 'discarded_4d', 'fixed_failed_23h', 'pending_100d', 'progressive_failed_25h', 'succeeded_29d'].sort(),
      );
      expect(await left('events', `${ws}/`)).toEqual(['old_live', 'recent']);
      expect(await left('notifications', '')).toEqual([`ntf_new_${ws}`]);
      expect(await left('portalLinks', '')).toEqual([`pl_live_${ws}`]);
    } finally {
      await mongo.close();
    }
  });
});
