// Rotating a signing secret without downtime: a receiver that verifies with the old secret, then
// switches to the new one at a moment of its choosing, accepts every delivery; both signatures
// travel during the grace period, only the new one after it. The same for the workspace's
// notification secret.
import { Webhook } from 'standardwebhooks';
import { MAX_ROTATION_GRACE_SECONDS } from '../../src/policy/secrets';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver';
import { eventually } from '../support/eventually';
import { ADMIN_KEY, type Herald, type TestWorkspace } from '../support/client';
import { startHerald, type HeraldStack } from '../support/stack';

jest.setTimeout(180_000);

const EVENT_TYPE = 'order.status';
/** Short, so the test sees the end of it; long enough for a phase's deliveries to land inside it. */
const GRACE_SECONDS = 12;

let stack: HeraldStack;
let herald: Herald;
let ws: TestWorkspace;

beforeAll(async () => {
  stack = await startHerald();
  herald = stack.herald;
  ws = await herald.workspace([EVENT_TYPE]);
});
afterAll(async () => {
  await stack?.stop();
});

const rotate = (id: string, body: unknown = {}, workspace: TestWorkspace = ws) =>
  herald.request('POST', `/workspaces/${workspace.id}/webhooks/${id}/rotate-secret`, body, workspace.key);

const signatureHeaders = (request: ReceivedRequest) => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});

const signatureCount = (request: ReceivedRequest) => String(request.headers['webhook-signature']).split(' ').length;

describe('a receiver switching secrets during the grace period', () => {
  let receiver: Receiver;
  let webhookId: string;
  let oldSecret: string;
  let newSecret: string;
  /** The secret the receiver verifies with; it answers 401 to a request it cannot verify. */
  let receiverSecret: string;
  const rejected: ReceivedRequest[] = [];
  let sent = 0;

  beforeAll(async () => {
    receiver = await startReceiver();
    receiver.answerWith((request) => {
      try {
        new Webhook(receiverSecret).verify(request.body, signatureHeaders(request));
        return { status: 200, body: 'ok' };
      } catch {
        rejected.push(request);
        return { status: 401, body: 'bad signature' };
      }
    });
    const created = await herald.request(
      'POST',
      `/workspaces/${ws.id}/webhooks`,
      { name: 'Rotating', url: receiver.url, events: [EVENT_TYPE], secret: true },
      ws.key,
    );
    webhookId = created.body.data.id;
    oldSecret = created.body.data.secret;
    receiverSecret = oldSecret;
  });
  afterAll(async () => {
    await receiver?.close();
  });

  /** Sends `count` events one after the other, each accepted at its first attempt; their requests. */
  async function phase(count: number): Promise<ReceivedRequest[]> {
    const from = sent;
    for (let i = 0; i < count; i += 1) {
      const { deliveries } = await herald.events.send(ws, { type: EVENT_TYPE, data: { n: sent } });
      sent += 1;
      const delivery = await herald.deliveries.waitFor(ws, deliveries[0].id, ['succeeded', 'failed']);
      expect(delivery.attempts.map((attempt: { statusCode?: number }) => attempt.statusCode)).toEqual([200]);
    }
    await receiver.waitFor(sent);
    return receiver.requests.slice(from, sent);
  }

  it('before the rotation: one signature, by the old secret', async () => {
    const requests = await phase(3);
    for (const request of requests) expect(signatureCount(request)).toBe(1);
  });

  it('right after it, the receiver still on the old secret: both signatures, each verifiable', async () => {
    const rotated = await rotate(webhookId, { graceSeconds: GRACE_SECONDS });
    expect(rotated.status).toBe(200);
    newSecret = rotated.body.data.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.body.data.previousSecretExpiresAt) - Date.now()).toBeGreaterThan((GRACE_SECONDS - 5) * 1000);

    const requests = await phase(3);
    for (const request of requests) {
      expect(signatureCount(request)).toBe(2);
      for (const secret of [oldSecret, newSecret]) expect(() => new Webhook(secret).verify(request.body, signatureHeaders(request))).not.toThrow();
    }
  });

  it('the receiver switches to the new secret mid-grace and goes on accepting', async () => {
    receiverSecret = newSecret;
    const requests = await phase(3);
    for (const request of requests) expect(signatureCount(request)).toBe(2);
  });

  it('after the grace period: only the new signature, which the old secret no longer verifies', async () => {
    const { previousSecretExpiresAt } = (await herald.webhooks.get(ws, webhookId)).body.data;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(previousSecretExpiresAt) - Date.now()) + 100));
    const after = await herald.webhooks.get(ws, webhookId);
    expect(after.body.data.previousSecretExpiresAt).toBeUndefined();

    const requests = await phase(3);
    for (const request of requests) {
      expect(signatureCount(request)).toBe(1);
      expect(() => new Webhook(oldSecret).verify(request.body, signatureHeaders(request))).toThrow();
    }
  });

  it('no delivery was ever rejected', () => {
    expect(rejected).toEqual([]);
    expect(receiver.requests).toHaveLength(12);
  });
});

describe('POST /webhooks/{id}/rotate-secret', () => {
  let webhookId: string;

  beforeAll(async () => {
    webhookId = await herald.webhooks.add(ws, { url: 'https://hooks.example.com/r', events: [EVENT_TYPE], secret: 'the-first-secret' });
  });

  it('takes a secret of the caller’s choice, not echoed back, and grace 0 drops the old one at once', async () => {
    const rotated = await rotate(webhookId, { secret: 'the-second-secret', graceSeconds: 0 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.data).toMatchObject({ id: webhookId, hasSecret: true });
    expect(rotated.body.data.secret).toBeUndefined();
    expect(rotated.body.data.previousSecretExpiresAt).toBeUndefined();
    const target = stack.store.webhooks.openTarget((await stack.store.webhooks.get(ws.id, webhookId))!);
    expect(target.secret).toBe(`whsec_${Buffer.from('the-second-secret').toString('base64')}`);
    expect(target.previousSecret).toBeUndefined();
  });

  it('keeps the previous secret for 24 hours by default; a PATCH of the secret ends the grace at once', async () => {
    const rotated = await rotate(webhookId);
    const expiresIn = Date.parse(rotated.body.data.previousSecretExpiresAt) - Date.now();
    expect(Math.abs(expiresIn - 24 * 3600 * 1000)).toBeLessThan(60_000);
    const target = stack.store.webhooks.openTarget((await stack.store.webhooks.get(ws.id, webhookId))!);
    expect(target).toMatchObject({ secret: rotated.body.data.secret, previousSecret: `whsec_${Buffer.from('the-second-secret').toString('base64')}` });

    const patched = await herald.webhooks.update(ws, webhookId, { secret: true });
    expect(patched.body.data.previousSecretExpiresAt).toBeUndefined();
    expect(stack.store.webhooks.openTarget((await stack.store.webhooks.get(ws.id, webhookId))!).previousSecret).toBeUndefined();
  });

  it('gives a webhook without a secret its first one', async () => {
    const unsigned = await herald.webhooks.add(ws, { url: 'https://hooks.example.com/u', events: [EVENT_TYPE] });
    const rotated = await rotate(unsigned);
    expect(rotated.body.data).toMatchObject({ hasSecret: true, secret: expect.stringMatching(/^whsec_/) });
    expect(rotated.body.data.previousSecretExpiresAt).toBeUndefined();
  });

  it.each([
    ['a grace above a week', { graceSeconds: MAX_ROTATION_GRACE_SECONDS + 1 }, 'graceSeconds'],
    ['a negative grace', { graceSeconds: -1 }, 'graceSeconds'],
    ['a secret that is not base64 after whsec_', { secret: 'whsec_not base64!' }, 'body.secret'],
    ['an unknown field', { secrets: 'x' }, 'secrets'],
  ])('refuses %s with 400', async (_, body, field) => {
    const refused = await rotate(webhookId, body);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(field);
  });

  it('answers 404 for another workspace’s webhook, and leaves its secret alone', async () => {
    const other = await herald.workspace([EVENT_TYPE]);
    const before = (await stack.store.webhooks.get(ws.id, webhookId))!.secret;
    expect((await rotate(webhookId, {}, other)).status).toBe(404);
    expect((await stack.store.webhooks.get(ws.id, webhookId))!.secret).toEqual(before);
  });

  it('needs the webhooks:write scope', async () => {
    const readOnly = (await herald.workspaces.createKey(ws.id, { scopes: ['webhooks:read'] })).body.data.key as string;
    expect((await rotate(webhookId, {}, { id: ws.id, key: readOnly })).status).toBe(403);
  });
});

describe("POST /workspaces/{ws}/rotate-notification-secret: the workspace's notifications", () => {
  const FIRST = `whsec_${Buffer.from('first-notification-secret').toString('base64')}`;
  let notifications: Receiver;
  let workspace: TestWorkspace;
  let webhookId: string;

  const rotateNotifications = (body: unknown = {}, key: string = ADMIN_KEY) =>
    herald.request('POST', `/workspaces/${workspace.id}/rotate-notification-secret`, body, key);
  const signedNotification = async (type: string) => {
    const found = await eventually(
      async () => {
        const sent = notifications.requests.find((request) => JSON.parse(request.body).data?.type === type);
        if (!sent) throw new Error(`no ${type} notification yet`);
        return sent;
      },
      { timeoutMs: 30_000, what: `the ${type} notification` },
    );
    return { request: found, signatures: String(found.headers['webhook-signature']).split(' ') };
  };
  const verifies = (secret: string, request: ReceivedRequest) => {
    try {
      new Webhook(secret).verify(request.body, signatureHeaders(request));
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    notifications = await startReceiver();
    const created = await herald.workspaces.create({ name: 'Notified', notificationUrl: notifications.url, notificationSecret: FIRST });
    const id = created.body.data.id as string;
    const key = (await herald.workspaces.createKey(id, {})).body.data.key as string;
    await herald.eventTypes.create({ id, key }, { name: EVENT_TYPE });
    workspace = { id, key };
    webhookId = await herald.webhooks.add(workspace, { url: 'https://hooks.example.com/n', events: [EVENT_TYPE] });
  });
  afterAll(async () => {
    await notifications?.close();
  });

  it('is for the admin key only', async () => {
    expect((await rotateNotifications({}, workspace.key)).status).toBe(401);
  });

  it('signs the next notifications with both secrets during the grace period', async () => {
    const rotated = await rotateNotifications({ graceSeconds: 600 });
    expect(rotated.status).toBe(200);
    const second = rotated.body.data.settings.notificationSecret as string;
    expect(second).toMatch(/^whsec_/);
    expect(rotated.body.data.settings).toMatchObject({ hasNotificationSecret: true, previousNotificationSecretExpiresAt: expect.any(String) });

    await herald.request('POST', `/workspaces/${workspace.id}/webhooks/${webhookId}/deactivate`, {}, workspace.key);
    const { request, signatures } = await signedNotification('webhook.deactivated');
    expect(signatures).toHaveLength(2);
    expect([verifies(FIRST, request), verifies(second, request)]).toEqual([true, true]);
  });

  it('with no grace, the old secret stops signing at once', async () => {
    const rotated = await rotateNotifications({ graceSeconds: 0 });
    const third = rotated.body.data.settings.notificationSecret as string;
    expect(rotated.body.data.settings.previousNotificationSecretExpiresAt).toBeUndefined();

    await herald.webhooks.activate(workspace, webhookId, { replayEvents: false });
    const { request, signatures } = await signedNotification('webhook.reactivated');
    expect(signatures).toHaveLength(1);
    expect([verifies(FIRST, request), verifies(third, request)]).toEqual([false, true]);
  });

  it('a PATCH of the notification secret ends a grace period at once', async () => {
    await rotateNotifications({ graceSeconds: 600 });
    const patched = await herald.workspaces.update(workspace.id, { notificationSecret: true });
    expect(patched.body.data.settings.previousNotificationSecretExpiresAt).toBeUndefined();
    expect(stack.store.workspaces.notificationSecrets((await stack.store.workspaces.get(workspace.id))!).previous).toBeUndefined();
  });

  it('answers 404 for a workspace that does not exist', async () => {
    expect((await herald.request('POST', '/workspaces/ws_nope/rotate-notification-secret', {})).status).toBe(404);
  });
});
