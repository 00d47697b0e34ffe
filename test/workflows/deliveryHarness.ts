// One time-skipping test server and one worker per test file, with recording doubles of the
// delivery activities. Each delivery gets its own receiver script, so the tests in a file share
// the worker. Times are the server's clock (the activities' scheduled timestamps), which is
// simulated: a 24 h timer costs milliseconds.
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { resolvePolicy, RETRY_JITTER, type RetryPolicyInput } from '../../src/policy';
import type { ResolvedPolicy } from '../../src/policy/types';
import { HERALD_DELIVERY_STATUS } from '../../workflows/contracts/searchAttributes';
import type { deliveryWorkflow, eventWorkflow } from '../../workflows';
import type { EventInput } from '../../workflows/contracts/event';
import type { AttemptInput, AttemptOutcome, DeliveryInput, StatusUpdate } from '../../workflows/contracts/delivery';
import { eventually } from '../support/eventually';
import { FAIL_FIRST_TASK_MARK } from './failFirstTask';
import { attemptOutcome, type Reply, type WorkflowActivities } from '../support/fakes/activities';
import { quietRuntime } from '../support/quietRuntime';
import { createTimeSkippingEnv } from '../support/timeSkipping';

// The tests script attempts with the shared fakes' replies.
export type { Reply };
/** What the receiver does on each attempt. */
export type ReceiverScript = (attempt: AttemptInput, atMs: number) => Reply;

export interface RecordedAttempt {
  input: AttemptInput;
  /** Server time at which the workflow scheduled the attempt (a local activity has only the worker's clock: NaN). */
  atMs: number;
  /** Made as a local activity, by an event workflow. */
  local: boolean;
  runId: string;
}

export interface RecordedStatus {
  update: StatusUpdate;
  atMs: number;
}

export interface Delivery {
  handle: WorkflowHandle<typeof deliveryWorkflow>;
  input: DeliveryInput;
  /** Server time at which the event was received (the workflow start, unless the test says otherwise). */
  receivedAtMs: number;
  attempts: RecordedAttempt[];
  statuses: RecordedStatus[];
}

/** Reply n answers attempt number n; the last one repeats for every later attempt. */
export function replies(...script: Reply[]): ReceiverScript {
  return (attempt) => script[Math.min(attempt.attemptNumber, script.length) - 1];
}

/** Reply n answers the n-th call, whatever its attempt number (a deferred attempt is called again); the last repeats. */
export function calls(...script: Reply[]): ReceiverScript {
  let made = 0;
  return () => script[Math.min(++made, script.length) - 1];
}

export const SECOND = 1000;
export const DAY = 24 * 60 * 60 * SECOND;

/** Whole seconds between successive attempts. Server time runs for real between timers, so round. */
export function intervalsSeconds(attempts: RecordedAttempt[]): number[] {
  return attempts.slice(1).map((attempt, i) => Math.round((attempt.atMs - attempts[i].atMs) / SECOND));
}

/**
 * Server time runs for real between timers: an attempt is scheduled a few ms after its timer fires,
 * and the workflow planned it a few ms before the previous attempt was scheduled.
 */
export const PROCESSING_SLACK_MS = 500;

/** Milliseconds between successive attempts. */
/** The attempt numbers the recorded attempts carried, in order. */
export const numbersOf = (attempts: RecordedAttempt[]) => attempts.map((a) => a.input.attemptNumber);

export function gapsMs(attempts: RecordedAttempt[]): number[] {
  return attempts.slice(1).map((attempt, i) => attempt.atMs - attempts[i].atMs);
}

/**
 * Each gap between attempts is its schedule's exact interval (`baseSeconds`, in order) lengthened
 * by the retry jitter, never shortened and never past `capSeconds`, within the processing slack.
 * Returns how many gaps the jitter measurably lengthened, for the caller to check it is not none.
 */
export function expectJitteredGaps(attempts: RecordedAttempt[], baseSeconds: number[], capSeconds = Number.POSITIVE_INFINITY): number {
  const gaps = gapsMs(attempts);
  expect(gaps).toHaveLength(baseSeconds.length);
  gaps.forEach((gap, i) => {
    const baseMs = baseSeconds[i] * SECOND;
    expect(gap).toBeGreaterThanOrEqual(baseMs - PROCESSING_SLACK_MS);
    expect(gap).toBeLessThanOrEqual(Math.min(baseMs * (1 + RETRY_JITTER), capSeconds * SECOND) + PROCESSING_SLACK_MS);
  });
  return gaps.filter((gap, i) => gap > baseSeconds[i] * SECOND + PROCESSING_SLACK_MS).length;
}

/** Whole seconds of each attempt after the event was received: never early, late only by processing ms. */
export function offsetsSeconds(delivery: Delivery): number[] {
  return delivery.attempts.map((attempt) => Math.floor((attempt.atMs - delivery.receivedAtMs) / SECOND));
}

/** The status a person filtering in the Web UI would see (search attribute HeraldDeliveryStatus). */
export async function searchStatus(delivery: Pick<Delivery, 'handle'>): Promise<string | undefined> {
  return (await delivery.handle.describe()).typedSearchAttributes.get(HERALD_DELIVERY_STATUS);
}

/** Everything the doubles learn about one delivery, keyed by its delivery id (its workflow's id too). */
interface Recorder {
  script: ReceiverScript;
  /** The webhook's policy; the real activity reads its success rule from the webhook. */
  policy: ResolvedPolicy;
  attempts: RecordedAttempt[];
  statuses: RecordedStatus[];
}

export class DeliveryHarness {
  private running?: Promise<void>;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    private readonly worker: Worker,
    private readonly taskQueue: string,
    private readonly recorders: Map<string, Recorder>,
  ) {}

  static async start(): Promise<DeliveryHarness> {
    quietRuntime('ERROR');
    const env = await createTimeSkippingEnv();
    const taskQueue = `delivery-test-${randomUUID()}`;
    const recorders = new Map<string, Recorder>();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      interceptors: { workflowModules: [require.resolve('./failFirstTask')] },
      activities: createActivityDoubles(recorders),
    }).catch(async (error: unknown) => {
      await env.teardown();
      throw error;
    });
    const harness = new DeliveryHarness(env, worker, taskQueue, recorders);
    harness.running = worker.run();
    // The worker's first workflow task loads the bundle (a few hundred ms under load), which would
    // otherwise show up as a late first attempt in whichever test runs first.
    await (await harness.start({ preset: 'fixed' }, replies(200))).handle.result();
    return harness;
  }

  async stop(): Promise<void> {
    this.worker.shutdown();
    await this.running;
    await this.env.teardown();
  }

  /** Starts a delivery whose receiver follows `script`; the workflow id is the delivery id, as in production. */
  async start(policy: RetryPolicyInput, script: ReceiverScript, extra: Partial<DeliveryInput> = {}): Promise<Delivery> {
    const deliveryId = `delivery/ws1/evt_${randomUUID()}/wh1`;
    const input: DeliveryInput = {
      workspaceId: 'ws1',
      webhookId: 'wh1',
      eventId: deliveryId.split('/')[2],
      eventType: 'order.paid',
      deliveryId,
      receivedAt: new Date(await this.env.currentTimeMs()).toISOString(),
      policy: resolvePolicy(policy),
      ...extra,
    };
    const recorder: Recorder = { script, policy: input.policy, attempts: [], statuses: [] };
    this.recorders.set(deliveryId, recorder);
    const handle = await this.env.client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
      workflowId: deliveryId,
      taskQueue: this.taskQueue,
      args: [input],
      memo: { lane: extra.state?.lane ?? 'priority' },
    });
    return { handle, input, receivedAtMs: Date.parse(input.receivedAt), attempts: recorder.attempts, statuses: recorder.statuses };
  }

  /**
   * Starts an event workflow for one event going to each of `targets` (webhooks wh1, wh2, ...),
   * as ingest does. Each delivery gets its own recorder, which its delivery workflow shares if
   * the event workflow hands it one. `failFirstTask`: the run's first workflow task fails after
   * its local activities returned (see failFirstTask.ts), and runs again.
   */
  async startEvent(targets: Array<{ policy: RetryPolicyInput; script: ReceiverScript }>, options: { failFirstTask?: boolean } = {}) {
    const eventId = `${options.failFirstTask ? FAIL_FIRST_TASK_MARK : 'evt_'}${randomUUID()}`;
    const input: EventInput = {
      workspaceId: 'ws1',
      eventId,
      eventType: 'order.paid',
      receivedAt: new Date(await this.env.currentTimeMs()).toISOString(),
      targets: targets.map((target, i) => ({
        deliveryId: `delivery/ws1/${eventId}/wh${i + 1}`,
        webhookId: `wh${i + 1}`,
        policy: resolvePolicy(target.policy),
        summary: `order.paid → wh${i + 1}`,
      })),
    };
    const deliveries = input.targets.map((target, i) => {
      const recorder: Recorder = { script: targets[i].script, policy: target.policy, attempts: [], statuses: [] };
      this.recorders.set(target.deliveryId, recorder);
      return { deliveryId: target.deliveryId, attempts: recorder.attempts, statuses: recorder.statuses };
    });
    const handle = await this.env.client.workflow.start<typeof eventWorkflow>('eventWorkflow', {
      workflowId: `event/ws1/${eventId}`,
      taskQueue: this.taskQueue,
      args: [input],
    });
    return { handle, input, receivedAtMs: Date.parse(input.receivedAt), deliveries };
  }

  /** The delivery workflow an event workflow handed a delivery to. */
  deliveryHandle(deliveryId: string): WorkflowHandle<typeof deliveryWorkflow> {
    return this.env.client.workflow.getHandle<typeof deliveryWorkflow>(deliveryId);
  }

  /** Waits in real time (simulated time is not skipped) until the delivery has made `count` attempts. */
  async attemptsMade(delivery: Delivery, count: number): Promise<void> {
    await eventually(
      () => {
        if (delivery.attempts.length >= count) return true;
        throw new Error(`only ${delivery.attempts.length} of ${count} attempts made`);
      },
      { timeoutMs: 10_000, intervalMs: 20, what: `${count} attempts of ${delivery.input.deliveryId}` },
    );
  }
}

/** Doubles of the real delivery activities, of the same type, that record every call with the server's time. */
function createActivityDoubles(recorders: Map<string, Recorder>): Pick<WorkflowActivities, 'deliverAttempt' | 'recordDeliveryStatus'> {
  const current = (deliveryId: string) => {
    const info = Context.current().info;
    const recorder = recorders.get(deliveryId);
    if (!recorder || !info.workflowExecution) throw new Error(`no delivery registered for ${deliveryId}`);
    const atMs = info.isLocal ? Number.NaN : info.currentAttemptScheduledTimestampMs;
    return { recorder, atMs, local: info.isLocal, runId: info.workflowExecution.runId };
  };
  return {
    async deliverAttempt(input: AttemptInput): Promise<AttemptOutcome> {
      const { recorder, atMs, local, runId } = current(input.deliveryId);
      recorder.attempts.push({ input, atMs, local, runId });
      return attemptOutcome(recorder.policy, recorder.script(input, atMs));
    },
    async recordDeliveryStatus(update: StatusUpdate): Promise<void> {
      const { recorder, atMs } = current(update.deliveryId);
      recorder.statuses.push({ update, atMs });
    },
  };
}
