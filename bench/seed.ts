// Stores N finished deliveries (and their events) straight into Herald's database, shaped as
// src/store/deliveries.ts and src/store/events.ts write them, under a workspace id of their own
// so no query of the measured workspaces matches them; then the fan-out-1 phase is repeated.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Attempt } from '../src/core/domain';
import { deliveryId, eventKey } from '../src/core/ids';
import type { DeliveryDoc } from '../src/store/deliveries';
import type { EventDoc } from '../src/store/events';
import { newId } from '../src/store/ids';
import { trackedBar } from './progress';
import { now } from './util';

export interface SeedResult {
  workspaceId: string;
  deliveries: number;
  events: number;
  seconds: number;
  documentsPerSecond: number;
  deliveriesInDatabase: number;
}

const BATCH = 1000;

function batchOf(workspaceId: string, webhookId: string, from: number, size: number): { events: EventDoc[]; deliveries: DeliveryDoc[] } {
  const events: EventDoc[] = [];
  const deliveries: DeliveryDoc[] = [];
  const at = new Date();
  for (let i = from; i < from + size; i++) {
    const eventId = `seed-${i}`;
    const id = deliveryId(workspaceId, eventId, webhookId);
    // One in twenty failed after the fixed preset's six attempts; the rest succeeded at once.
    const failed = i % 20 === 19;
    const attempts: Attempt[] = Array.from({ length: failed ? 6 : 1 }, (_, n) => ({
      n: n + 1,
      at: at.toISOString(),
      durationMs: 4 + (i % 7),
      statusCode: failed ? 500 : 200,
      responseSnippet: failed ? 'internal error' : 'ok',
      ...(failed ? { error: { kind: 'status' as const, message: 'status 500 is not a success code' } } : {}),
    }));
    const status = failed ? 'failed' : 'succeeded';
    events.push({
      _id: eventKey(workspaceId, eventId),
      workspaceId,
      eventId,
      type: 'bench.seed',
      family: 'bench',
      data: JSON.stringify({ bench: eventId, n: i, note: 'stored by the benchmark before the seeded repeat' }),
      receivedAt: at,
      deliveries: [{ id, webhookId, status }],
    });
    deliveries.push({
      _id: id,
      seq: newId('d'),
      workspaceId,
      eventId,
      eventType: 'bench.seed',
      webhookId,
      status,
      lane: 'priority',
      attempts,
      nextAttemptAt: null,
      createdAt: at,
      updatedAt: at,
    });
  }
  return { events, deliveries };
}

export async function seedDeliveries(mongodbUrl: string, count: number, deadlineMs: number): Promise<SeedResult> {
  const client = new MongoClient(mongodbUrl, { serverSelectionTimeoutMS: 10_000 });
  const workspaceId = `ws_benchseed${randomBytes(6).toString('hex')}`;
  const webhookId = `wh_benchseed${randomBytes(6).toString('hex')}`;
  const bar = trackedBar('seed stored deliveries', count, 'deliveries');
  const start = now();
  let stored = 0;
  try {
    await client.connect();
    const db = client.db();
    const events = db.collection<EventDoc>('events');
    const deliveries = db.collection<DeliveryDoc>('deliveries');
    for (let from = 0; from < count; from += BATCH) {
      if (now() > deadlineMs) throw new Error(`seeding stopped by its time limit after ${stored} deliveries`);
      const batch = batchOf(workspaceId, webhookId, from, Math.min(BATCH, count - from));
      await events.insertMany(batch.events, { ordered: false });
      await deliveries.insertMany(batch.deliveries, { ordered: false });
      stored += batch.deliveries.length;
      bar.update(stored);
    }
    const seconds = (now() - start) / 1000;
    const deliveriesInDatabase = await deliveries.estimatedDocumentCount();
    return {
      workspaceId,
      deliveries: stored,
      events: stored,
      seconds: Math.round(seconds * 10) / 10,
      documentsPerSecond: Math.round((2 * stored) / seconds),
      deliveriesInDatabase,
    };
  } finally {
    bar.stop();
    await client.close();
  }
}
