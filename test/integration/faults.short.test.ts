// The fault suite's short version (the full one is `npm run test:faults`): the same case code, with
// small counts, against the API and a worker run as processes of their own on the services project's
// Temporal and FerretDB. The worker and the API are SIGKILLed mid-way, a receiver fails then
// recovers; every event answered 202 must arrive.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCase, type CaseContext, type CaseOutcome, type Sizes } from '../faults/caseKit';
import { selectCases } from '../faults/cases';
import { HeraldClient } from '../faults/client';
import { rowOf } from '../faults/report';
import { FaultStack } from '../faults/stack';
import { repoRoot, testServices } from '../support/services';

const SHORT_SIZES: Sizes = {
  killEvents: 60,
  receiverEvents: 20,
  receiverFaultMs: 3_000,
  burstEvents: 20,
  burstWebhooks: 5,
  isolationDeadEvents: 20,
  isolationHealthyEvents: 10,
  isolationHealthyRate: 5,
};

const say = (line: string): void => {
  if (process.env.HERALD_TEST_LOGS === '1') process.stderr.write(`${line}\n`);
};

let dir: string;
let stack: FaultStack | undefined;
let ctx: CaseContext;
const outcomes: CaseOutcome[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'herald-faults-'));
  stack = await FaultStack.start({ root: repoRoot(), dir, servers: testServices(), say });
  ctx = { stack, client: new HeraldClient(stack.apiUrl, stack.adminKey), sizes: SHORT_SIZES, runTag: randomBytes(3).toString('hex'), say };
});

afterAll(async () => {
  await Promise.all(outcomes.flatMap((outcome) => outcome.receivers.map((receiver) => receiver.close())));
  await ctx?.client.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('fault suite, short: nothing accepted is lost', () => {
  it.each([
    ['worker-kill', SHORT_SIZES.killEvents],
    ['api-kill', SHORT_SIZES.killEvents],
    ['receiver-500', SHORT_SIZES.receiverEvents],
  ])('%s: all %i events are answered 202 and every delivery they list arrives', async (name, events) => {
    const [fault] = selectCases([name]);
    const outcome = await runCase(ctx, fault);
    outcomes.push(outcome);
    const row = rowOf(outcome);

    // Failures name what went wrong (lost deliveries, refused events, errors), so they come first.
    expect(row.failures).toEqual([]);
    expect({ eventsIn: row.eventsIn, deliveries: row.deliveries, receipts: row.receipts, lost: row.lost }).toEqual({
      eventsIn: events,
      deliveries: events,
      receipts: events,
      lost: 0,
    });
    if (name !== 'receiver-500') expect(row.notes.some((note) => note.startsWith('SIGKILL'))).toBe(true);
    else expect(row.requests).toBeGreaterThan(events); // the 500s were attempts too
  });
});
