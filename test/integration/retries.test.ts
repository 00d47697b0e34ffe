// Retry presets against a real receiver, through the REST API: every attempt is a real HTTP
// request, its outcome is recorded, and the workflow's durable timers space the retries. Small
// interval overrides keep the schedules short; the expiry case needs the minimum age of 60 s, so
// it starts first and runs while the other cases do.
import type { Herald } from '../support/client';
import { attemptOutcomes as outcomes, deliveryPath, startDeliveryCase, startHerald, type DeliveryCase as Case, type HeraldStack } from '../support/stack';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';

const OK: Reply = { status: 200, body: 'ok' };
const FAIL: Reply = { status: 500, body: 'down' };

let stack: HeraldStack;
let herald: Herald;
const receivers: Receiver[] = [];

/** A webhook of its own, in a workspace of its own, and one event sent to it (see startDeliveryCase). */
async function deliveryCase(webhook: Record<string, unknown>, replies: Reply[], fallback: Reply = OK): Promise<Case> {
  const c = await startDeliveryCase(stack, webhook, replies, fallback);
  receivers.push(c.receiver);
  return c;
}

/** Polls the case's delivery until it reaches `status`. */
const settled = (c: Case, status: string, timeoutMs?: number) => herald.deliveries.waitFor(c.ws, c.deliveryId, [status], timeoutMs);

/** A URL nothing listens on: a receiver started and closed again. */
async function closedUrl(): Promise<string> {
  const gone = await startReceiver();
  await gone.close();
  return gone.url;
}

/** The Temporal run has closed: nothing more will be attempted, so request counts are final. */
const runFinished = (c: Case) => stack.temporal.client.workflow.getHandle(c.deliveryId).result();

let expiring: Case;

beforeAll(async () => {
  stack = await startHerald();
  herald = stack.herald;
  // Attempts at 0 s and 50 s; the next one (100 s) would come after the 60 s age limit.
  expiring = await deliveryCase({ retryPolicy: { preset: 'fixed', intervalSeconds: 50, maxAgeSeconds: 60 } }, [], FAIL);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await stack?.stop();
});

describe('retry presets through the REST API and a real receiver', () => {
  it('fixed: a receiver that fails twice then succeeds gets three attempts, one webhook-id', async () => {
    const c = await deliveryCase({ retryPolicy: { preset: 'fixed', intervalSeconds: 1 } }, [FAIL, { status: 503, body: 'busy' }]);
    const delivery = await settled(c, 'succeeded');

    expect(outcomes(delivery)).toEqual([
      { n: 1, statusCode: 500, kind: 'status' },
      { n: 2, statusCode: 503, kind: 'status' },
      { n: 3, statusCode: 200, kind: undefined },
    ]);
    expect(delivery.attempts.map((a: { responseSnippet: string }) => a.responseSnippet)).toEqual(['down', 'busy', 'ok']);
    expect(delivery.attempts[0].error.message).toContain('500');
    expect(delivery).toMatchObject({ lane: 'priority', nextAttemptAt: null });
    await runFinished(c);
    expect(c.receiver.requests.map((request) => request.headers['webhook-id'])).toEqual([c.deliveryId, c.deliveryId, c.deliveryId]);
  });

  it('each preset judges success by its own codes and stops after maxRetries', async () => {
    const [fixedGivesUp, progressive, maxAttempts, maxAttemptsGivesUp] = await Promise.all([
      deliveryCase({ retryPolicy: { preset: 'fixed', intervalSeconds: 1, maxRetries: 2 } }, [], FAIL),
      // 203 is a 2xx, but not one of progressive's success codes (200, 201, 202, 204).
      deliveryCase({ retryPolicy: { preset: 'progressive', initialIntervalSeconds: 1, maxIntervalSeconds: 2 } }, [{ status: 203 }, FAIL], { status: 204 }),
      // max-attempts counts exactly 200 as delivered: a 201 is a failed attempt.
      deliveryCase({ retryPolicy: { preset: 'max-attempts', initialIntervalSeconds: 1, maxIntervalSeconds: 2 } }, [{ status: 201 }, { status: 201 }]),
      deliveryCase({ retryPolicy: { preset: 'max-attempts', initialIntervalSeconds: 1, maxRetries: 1 } }, [], { status: 201 }),
    ]);
    const [fixedDone, progressiveDone, maxAttemptsDone, maxAttemptsFailed] = await Promise.all([
      settled(fixedGivesUp, 'failed'),
      settled(progressive, 'succeeded'),
      settled(maxAttempts, 'succeeded'),
      settled(maxAttemptsGivesUp, 'failed'),
    ]);

    expect(outcomes(fixedDone)).toEqual([1, 2, 3].map((n) => ({ n, statusCode: 500, kind: 'status' })));
    expect(outcomes(progressiveDone)).toEqual([
      { n: 1, statusCode: 203, kind: 'status' },
      { n: 2, statusCode: 500, kind: 'status' },
      { n: 3, statusCode: 204, kind: undefined },
    ]);
    expect(outcomes(maxAttemptsDone)).toEqual([
      { n: 1, statusCode: 201, kind: 'status' },
      { n: 2, statusCode: 201, kind: 'status' },
      { n: 3, statusCode: 200, kind: undefined },
    ]);
    expect(outcomes(maxAttemptsFailed)).toEqual([1, 2].map((n) => ({ n, statusCode: 201, kind: 'status' })));
    for (const done of [fixedDone, maxAttemptsFailed]) expect(done.nextAttemptAt).toBeNull();

    // Once the runs close, the receivers have seen exactly the recorded attempts.
    await Promise.all([fixedGivesUp, maxAttemptsGivesUp].map(runFinished));
    expect(fixedGivesUp.receiver.requests).toHaveLength(3);
    expect(maxAttemptsGivesUp.receiver.requests).toHaveLength(2);
  });

  it('records a receiver slower than timeoutMs as a timeout, and one that is down as a connection error', async () => {
    const retryOnce = { preset: 'fixed', intervalSeconds: 1, maxRetries: 1 };
    const [slow, down] = await Promise.all([
      deliveryCase({ retryPolicy: retryOnce, timeoutMs: 500 }, [{ status: 200, body: 'late', delayMs: 2000 }]),
      closedUrl().then((url) => deliveryCase({ retryPolicy: retryOnce, url }, [])),
    ]);
    const [slowDone, downDone] = await Promise.all([settled(slow, 'succeeded'), settled(down, 'failed')]);

    // The timed-out attempt reached the receiver but got no status; the retry answered in time.
    expect(outcomes(slowDone)).toEqual([
      { n: 1, statusCode: undefined, kind: 'timeout' },
      { n: 2, statusCode: 200, kind: undefined },
    ]);
    expect(slowDone.attempts[0].responseSnippet).toBeUndefined();
    expect(slow.receiver.requests).toHaveLength(2);
    expect(outcomes(downDone)).toEqual([1, 2].map((n) => ({ n, statusCode: undefined, kind: 'connection' })));
    expect(downDone.attempts[0].error.message).toEqual(expect.any(String));
  });

  it('expires a delivery at maxAgeSeconds without another attempt, and refuses to retry it (409)', async () => {
    const c = expiring;
    const before = await herald.deliveries.waitForAttempts(c.ws, c.deliveryId, 1);
    expect(before).toMatchObject({ status: 'pending', nextAttemptAt: expect.any(String) });

    const expired = await settled(c, 'expired', 150_000);
    expect(outcomes(expired)).toEqual([1, 2].map((n) => ({ n, statusCode: 500, kind: 'status' })));
    expect(expired.nextAttemptAt).toBeNull();
    await runFinished(c);

    const retry = await herald.request('POST', deliveryPath(c.ws.id, c.deliveryId, 'retry'), undefined, c.ws.key);
    expect(retry.status).toBe(409);
    expect(retry.body).toEqual({ data: null, error: { code: 'conflict', message: expect.stringContaining('expired') } });
    const cancel = await herald.request('POST', deliveryPath(c.ws.id, c.deliveryId, 'cancel'), undefined, c.ws.key);
    expect(cancel.status).toBe(409);

    const after = await herald.request('GET', deliveryPath(c.ws.id, c.deliveryId), undefined, c.ws.key);
    expect(after.body.data).toMatchObject({ status: 'expired', attempts: expired.attempts });
    expect(c.receiver.requests).toHaveLength(2);
  });
});
